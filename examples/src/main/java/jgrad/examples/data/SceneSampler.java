package jgrad.examples.data;

import java.util.ArrayList;
import java.util.List;

import jgrad.core.Rng;
import jgrad.examples.data.Scene.Group;
import jgrad.examples.data.Scene.Material;
import jgrad.examples.data.Scene.Texture;

/**
 * Draws random scenes for {@link Scene}: a room (floor, walls, ceiling with procedural textures),
 * a camera and a light, two to four pieces of furniture (tables, cabinets, shelves, sofas, lamps,
 * plant pots, rugs), and, separately, one to three foreground objects (people-like, animal-like or
 * box-like) standing on the floor in view. All randomness comes from the {@link Rng} passed in, so
 * a scene is a pure function of that generator's state.
 *
 * <p>Objects are placed by their floor footprint (a disc): furniture mostly along the walls,
 * foreground objects in the visible floor area, retrying a few times to avoid overlapping
 * footprints.
 */
public final class SceneSampler {
    /** A background scene plus the footprints already taken, to place foreground objects later. */
    public record Room(Scene scene, List<double[]> footprints) {}

    private SceneSampler() {}

    public static Room room(Rng rng) {
        double halfWidth = 2.2 + 1.4 * rng.nextDouble();
        double height = 2.6 + 0.6 * rng.nextDouble();
        double depth = 6.0 + 2.5 * rng.nextDouble();
        double eyeY = 1.3 + 0.5 * rng.nextDouble();
        double eyeX = (rng.nextDouble() - 0.5) * halfWidth * 0.6;
        double pitch = Math.toRadians(8 + 10 * rng.nextDouble());
        double fov = Math.toRadians(55 + 10 * rng.nextDouble());

        Material floor = floorMaterial(rng);
        Material wall = wallMaterial(rng);
        Material back = rng.nextDouble() < 0.35 ? wallMaterial(rng) : wall; // an accent wall sometimes
        Material ceiling = Material.plain(0.88f, 0.87f, 0.84f);
        double lightX = (rng.nextDouble() - 0.5) * halfWidth;
        double lightZ = 1.5 + rng.nextDouble() * (depth - 3);
        Scene scene = new Scene(halfWidth, height, depth, floor, ceiling, back, wall, wall, eyeX, eyeY, 0, pitch, fov,
                lightX, height - 0.15, lightZ, 0.85 + 0.4 * rng.nextDouble(), 0.22 + 0.1 * rng.nextDouble());

        List<double[]> taken = new ArrayList<>();
        int furniture = 2 + rng.nextInt(3);
        for (int k = 0; k < furniture; k++) {
            furniture(scene, rng, taken);
        }
        return new Room(scene, taken);
    }

    /** One to three foreground groups placed on the room's floor in view of its camera. */
    public static List<Group> foreground(Room room, Rng rng) {
        double u = rng.nextDouble();
        int n = u < 0.7 ? 1 : u < 0.93 ? 2 : 3;
        List<double[]> taken = new ArrayList<>(room.footprints());
        List<Group> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int kind = rng.nextInt(3);
            double radius = kind == 0 ? 0.3 : kind == 1 ? 0.45 : 0.4;
            double[] at = place(room.scene(), rng, taken, radius, false);
            double x = at[0], z = at[1];
            double yaw = rng.nextDouble() * Math.PI * 2;
            Group g = new Group(true);
            switch (kind) {
                case 0 -> person(g, rng, x, z, yaw);
                case 1 -> animal(g, rng, x, z, yaw);
                default -> crate(g, rng, x, z, yaw);
            }
            out.add(g);
        }
        return out;
    }

    // ---------------------------------------------------------------- placement

    /** A floor point (x, z) in view whose disc of the given radius avoids those taken. */
    private static double[] place(Scene s, Rng rng, List<double[]> taken, double radius, boolean nearWall) {
        double[] best = null;
        double bestOverlap = Double.POSITIVE_INFINITY;
        for (int attempt = 0; attempt < 24; attempt++) {
            double x, z;
            if (nearWall) {
                int side = rng.nextInt(3);
                double along = rng.nextDouble();
                if (side == 0) { // back wall
                    x = (along * 2 - 1) * (s.halfWidth - radius);
                    z = s.roomDepth - radius - 0.05;
                } else {
                    x = (side == 1 ? -1 : 1) * (s.halfWidth - radius - 0.05);
                    z = 2.0 + along * (s.roomDepth - 2.5 - radius);
                }
            } else {
                double u = rng.nextDouble();
                z = 2.0 + u * u * (s.roomDepth - 3.2); // biased towards the camera
                double halfView = Math.min(s.halfWidth - radius - 0.1, z * Math.tan(s.fovY / 2) * 0.75);
                x = s.eyeX + (rng.nextDouble() * 2 - 1) * Math.max(0.1, halfView - Math.abs(s.eyeX) * 0.5);
                x = Math.max(-s.halfWidth + radius + 0.05, Math.min(s.halfWidth - radius - 0.05, x));
            }
            double overlap = 0;
            for (double[] t : taken) {
                double d = Math.hypot(t[0] - x, t[1] - z);
                overlap += Math.max(0, t[2] + radius - d);
            }
            if (overlap < bestOverlap) {
                bestOverlap = overlap;
                best = new double[]{x, z};
            }
            if (overlap == 0) break;
        }
        taken.add(new double[]{best[0], best[1], radius});
        return best;
    }

    // ---------------------------------------------------------------- materials

    private static float[] colour(Rng rng, float lo, float hi) {
        return new float[]{lo + (hi - lo) * rng.nextFloat(), lo + (hi - lo) * rng.nextFloat(), lo + (hi - lo) * rng.nextFloat()};
    }

    private static float[] scaled(float[] c, float k) {
        return new float[]{Math.min(1, c[0] * k), Math.min(1, c[1] * k), Math.min(1, c[2] * k)};
    }

    private static Material floorMaterial(Rng rng) {
        int seed = (int) rng.nextLong();
        return switch (rng.nextInt(4)) {
            case 0 -> { // wooden planks
                float[] b = {0.55f + 0.2f * rng.nextFloat(), 0.36f + 0.12f * rng.nextFloat(), 0.2f + 0.08f * rng.nextFloat()};
                yield new Material(b, scaled(b, 0.6f), Texture.WOOD, 0.18 + 0.1 * rng.nextDouble(), seed);
            }
            case 1 -> { // tiles
                float[] b = colour(rng, 0.6f, 0.9f);
                yield new Material(b, scaled(b, 0.55f + 0.3f * rng.nextFloat()), Texture.CHECKER, 0.4 + 0.4 * rng.nextDouble(), seed);
            }
            case 2 -> { // carpet
                float[] b = colour(rng, 0.25f, 0.65f);
                yield new Material(b, scaled(b, 0.7f), Texture.NOISE, 0.15 + 0.2 * rng.nextDouble(), seed);
            }
            default -> { // stone
                float g = 0.5f + 0.3f * rng.nextFloat();
                float[] b = {g, g * 0.97f, g * 0.92f};
                yield new Material(b, scaled(b, 0.7f), Texture.NOISE, 0.5 + 0.5 * rng.nextDouble(), seed);
            }
        };
    }

    private static Material wallMaterial(Rng rng) {
        int seed = (int) rng.nextLong();
        return switch (rng.nextInt(4)) {
            case 0 -> { // paint with faint noise
                float[] b = colour(rng, 0.6f, 0.95f);
                yield new Material(b, scaled(b, 0.92f), Texture.NOISE, 0.6, seed);
            }
            case 1 -> { // striped wallpaper
                float[] b = colour(rng, 0.55f, 0.9f);
                yield new Material(b, scaled(b, 0.8f), Texture.STRIPES, 0.12 + 0.15 * rng.nextDouble(), seed);
            }
            case 2 -> { // brick
                float[] b = {0.55f + 0.15f * rng.nextFloat(), 0.25f + 0.1f * rng.nextFloat(), 0.18f + 0.08f * rng.nextFloat()};
                yield new Material(b, new float[]{0.78f, 0.76f, 0.72f}, Texture.BRICK, 0.5 + 0.2 * rng.nextDouble(), seed);
            }
            default -> { // plaster
                float g = 0.7f + 0.25f * rng.nextFloat();
                float[] b = {g, g * (0.95f + 0.05f * rng.nextFloat()), g * (0.88f + 0.1f * rng.nextFloat())};
                yield new Material(b, scaled(b, 0.85f), Texture.NOISE, 1.5, seed);
            }
        };
    }

    private static Material woodMaterial(Rng rng) {
        float[] b = {0.45f + 0.25f * rng.nextFloat(), 0.28f + 0.15f * rng.nextFloat(), 0.14f + 0.1f * rng.nextFloat()};
        return new Material(b, scaled(b, 0.7f), Texture.WOOD, 0.08, (int) rng.nextLong());
    }

    private static Material fabric(Rng rng) {
        float[] b = colour(rng, 0.1f, 0.85f);
        return new Material(b, scaled(b, 0.8f), Texture.NOISE, 0.05, (int) rng.nextLong());
    }

    // ---------------------------------------------------------------- furniture

    private static void furniture(Scene s, Rng rng, List<double[]> taken) {
        int kind = rng.nextInt(6);
        Group g = new Group(false);
        switch (kind) {
            case 0 -> { // table with four legs
                double hw = 0.45 + 0.35 * rng.nextDouble(), hd = 0.35 + 0.2 * rng.nextDouble(), h = 0.7 + 0.1 * rng.nextDouble();
                double[] at = place(s, rng, taken, Math.hypot(hw, hd), rng.nextDouble() < 0.4);
                Material m = woodMaterial(rng);
                g.box(at[0], h - 0.03, at[1], hw, 0.03, hd, 0, m);
                for (int i = 0; i < 4; i++) {
                    double lx = at[0] + (i % 2 == 0 ? -1 : 1) * (hw - 0.06), lz = at[1] + (i < 2 ? -1 : 1) * (hd - 0.06);
                    g.cylinder(lx, lz, 0.035, 0, h - 0.06, m);
                }
            }
            case 1 -> { // cabinet / wardrobe against a wall
                double hw = 0.3 + 0.5 * rng.nextDouble(), hd = 0.22 + 0.1 * rng.nextDouble(), h = 0.8 + 1.2 * rng.nextDouble();
                double[] at = place(s, rng, taken, Math.max(hw, hd), true);
                double yaw = Math.abs(at[0]) > s.halfWidth - 0.8 && at[1] < s.roomDepth - 0.8 ? Math.PI / 2 : 0;
                Material m = rng.nextDouble() < 0.5 ? woodMaterial(rng) : Material.plain(0.8f, 0.8f, 0.78f);
                g.box(at[0], h / 2, at[1], hw, h / 2, hd, yaw, m);
            }
            case 2 -> { // sofa: seat, back, two arms
                double hw = 0.7 + 0.3 * rng.nextDouble(), hd = 0.4;
                double[] at = place(s, rng, taken, hw, rng.nextDouble() < 0.6);
                Material m = fabric(rng);
                double yaw = at[0] > s.halfWidth - 1.2 ? Math.PI / 2 : at[0] < -s.halfWidth + 1.2 ? -Math.PI / 2 : 0;
                double c = Math.cos(yaw), sn = Math.sin(yaw);
                g.box(at[0], 0.22, at[1], hw, 0.22, hd, yaw, m);
                // back cushion behind the seat (towards +z in the sofa's frame)
                g.box(at[0] + sn * (hd - 0.1), 0.5, at[1] + c * (hd - 0.1), hw, 0.3, 0.1, yaw, m);
                for (int side = -1; side <= 1; side += 2) {
                    g.box(at[0] + c * side * (hw - 0.08), 0.32, at[1] - sn * side * (hw - 0.08), 0.08, 0.32, hd, yaw, m);
                }
            }
            case 3 -> { // plant: pot and foliage
                double[] at = place(s, rng, taken, 0.35, rng.nextDouble() < 0.7);
                double r = 0.15 + 0.1 * rng.nextDouble(), h = 0.3 + 0.3 * rng.nextDouble();
                g.cylinder(at[0], at[1], r, 0, h, Material.plain(0.6f + 0.2f * rng.nextFloat(), 0.35f, 0.25f));
                float[] leaf = {0.15f + 0.15f * rng.nextFloat(), 0.4f + 0.25f * rng.nextFloat(), 0.12f + 0.1f * rng.nextFloat()};
                Material foliage = new Material(leaf, scaled(leaf, 0.5f), Texture.NOISE, 0.04, (int) rng.nextLong());
                double fr = r * (1.5 + rng.nextDouble());
                g.ellipsoid(at[0], h + fr * 0.9, at[1], fr, fr * (1 + rng.nextDouble()), fr, 0, foliage);
            }
            case 4 -> { // floor lamp: pole, base, shade
                double[] at = place(s, rng, taken, 0.25, true);
                double h = 1.3 + 0.4 * rng.nextDouble();
                Material metal = Material.plain(0.25f, 0.25f, 0.27f);
                g.cylinder(at[0], at[1], 0.18, 0, 0.03, metal);
                g.cylinder(at[0], at[1], 0.02, 0, h, metal);
                float[] c = colour(rng, 0.7f, 0.98f);
                g.cylinder(at[0], at[1], 0.2, h - 0.05, h + 0.22, new Material(c, c, Texture.PLAIN, 1, 0));
            }
            default -> { // bookshelf: frame with shelves of coloured books
                double hw = 0.4 + 0.3 * rng.nextDouble(), hd = 0.16, h = 1.2 + 0.8 * rng.nextDouble();
                double[] at = place(s, rng, taken, hw, true);
                double yaw = Math.abs(at[0]) > s.halfWidth - 0.8 && at[1] < s.roomDepth - 0.8 ? Math.PI / 2 : 0;
                Material m = woodMaterial(rng);
                g.box(at[0], h / 2, at[1], hw, h / 2, hd, yaw, m);
                double c = Math.cos(yaw), sn = Math.sin(yaw);
                int shelves = 3 + rng.nextInt(3);
                double front = -hd - 0.02; // books stick out of the front face (towards the room)
                if (yaw != 0) front = at[0] > 0 ? hd + 0.02 : -hd - 0.02;
                for (int k = 0; k < shelves; k++) {
                    double y = (k + 0.5) * h / shelves;
                    double off = (rng.nextDouble() - 0.5) * hw;
                    double bw = hw * (0.3 + 0.4 * rng.nextDouble());
                    Material books = new Material(colour(rng, 0.1f, 0.9f), colour(rng, 0.1f, 0.9f), Texture.STRIPES, 0.04, (int) rng.nextLong());
                    // in the shelf's frame: x along the shelf, z out of it
                    double lx = off, lz = front;
                    double wx = at[0] + c * lx + sn * lz, wz = at[1] - sn * lx + c * lz;
                    if (yaw != 0) { wx = at[0] + front; wz = at[1] + off; }
                    g.box(wx, y, wz, yaw != 0 ? 0.03 : bw, h / shelves * 0.3, yaw != 0 ? bw : 0.03, 0, books);
                }
            }
        }
        s.add(g);
        if (rng.nextDouble() < 0.3) { // a rug on the floor
            double[] at = place(s, rng, new ArrayList<>(), 0.01, false);
            Material rug = new Material(colour(rng, 0.2f, 0.8f), colour(rng, 0.2f, 0.8f),
                    rng.nextDouble() < 0.5 ? Texture.STRIPES : Texture.CHECKER, 0.15 + 0.2 * rng.nextDouble(), (int) rng.nextLong());
            s.add(new Group(false).box(at[0], 0.006, at[1], 0.6 + 0.5 * rng.nextDouble(), 0.006, 0.4 + 0.4 * rng.nextDouble(), rng.nextDouble(), rug));
        }
    }

    // ---------------------------------------------------------------- foreground objects

    private static void person(Group g, Rng rng, double x, double z, double yaw) {
        double h = 1.45 + 0.45 * rng.nextDouble(); // standing height
        double w = 0.85 + 0.3 * rng.nextDouble(); // build
        float[] skin = skinTone(rng);
        Material shirt = fabric(rng), trousers = fabric(rng), face = new Material(skin, skin, Texture.PLAIN, 1, 0);
        Material hair = Material.plain(0.05f + 0.4f * rng.nextFloat(), 0.04f + 0.25f * rng.nextFloat(), 0.03f + 0.1f * rng.nextFloat());
        double c = Math.cos(yaw), s = Math.sin(yaw);
        double legTop = h * 0.47, shoulder = h * 0.82;
        for (int side = -1; side <= 1; side += 2) {
            double lx = x + c * side * 0.1 * w, lz = z - s * side * 0.1 * w;
            g.ellipsoid(lx, legTop / 2, lz, 0.075 * w, legTop / 2, 0.08 * w, yaw, trousers);
            double ax = x + c * side * 0.25 * w, az = z - s * side * 0.25 * w;
            g.ellipsoid(ax, shoulder - 0.28 * h / 1.7, az, 0.055 * w, 0.3 * h / 1.7, 0.06 * w, yaw, shirt);
        }
        double torsoH = shoulder - legTop;
        g.ellipsoid(x, legTop + torsoH / 2, z, 0.22 * w, torsoH / 2 + 0.06, 0.13 * w, yaw, shirt);
        double headR = 0.11 * h / 1.7;
        g.ellipsoid(x, shoulder + headR * 1.25, z, headR * 0.9, headR * 1.1, headR, yaw, face);
        g.ellipsoid(x, shoulder + headR * 1.55, z, headR * 0.95, headR * 0.8, headR * 1.05, yaw, hair);
    }

    private static float[] skinTone(Rng rng) {
        float t = rng.nextFloat();
        return new float[]{0.95f - 0.55f * t, 0.78f - 0.5f * t, 0.65f - 0.45f * t};
    }

    private static void animal(Group g, Rng rng, double x, double z, double yaw) {
        double k = 0.6 + 0.8 * rng.nextDouble(); // overall size: cat to large dog
        double legH = 0.25 * k, bodyL = 0.35 * k, bodyR = 0.14 * k;
        float[] fur = rng.nextDouble() < 0.5 ? new float[]{0.1f + 0.7f * rng.nextFloat(), 0.08f + 0.5f * rng.nextFloat(), 0.05f + 0.3f * rng.nextFloat()}
                : colour(rng, 0.05f, 0.95f);
        Material coat = new Material(fur, scaled(fur, 0.6f), Texture.NOISE, 0.05, (int) rng.nextLong());
        double c = Math.cos(yaw), s = Math.sin(yaw);
        // body axis along the animal's local +x
        double bodyY = legH + bodyR * 0.8;
        g.ellipsoid(x, bodyY, z, bodyL, bodyR, bodyR * 0.9, yaw, coat);
        for (int i = 0; i < 4; i++) {
            double lx = (i < 2 ? 1 : -1) * bodyL * 0.7, lz = (i % 2 == 0 ? 1 : -1) * bodyR * 0.55;
            double wx = x + c * lx + s * lz, wz = z - s * lx + c * lz;
            g.cylinder(wx, wz, 0.035 * k, 0, bodyY, coat);
        }
        double hx = bodyL * 1.05, hy = bodyY + bodyR * 1.1, headR = bodyR * 0.85;
        g.ellipsoid(x + c * hx, hy, z - s * hx, headR * 1.2, headR, headR * 0.9, yaw, coat);
        double sx = bodyL * 1.05 + headR * 1.1;
        g.ellipsoid(x + c * sx, hy - headR * 0.25, z - s * sx, headR * 0.6, headR * 0.45, headR * 0.45, yaw, coat); // snout
        for (int side = -1; side <= 1; side += 2) { // ears
            double ex = hx - headR * 0.2, ez = side * headR * 0.55;
            g.ellipsoid(x + c * ex + s * ez, hy + headR * 0.9, z - s * ex + c * ez, headR * 0.2, headR * 0.45, headR * 0.12, yaw, coat);
        }
        double tx = -bodyL * 1.1;
        g.ellipsoid(x + c * tx, bodyY + bodyR * 0.5, z - s * tx, bodyL * 0.4, 0.03 * k, 0.03 * k, yaw, coat); // tail
    }

    private static void crate(Group g, Rng rng, double x, double z, double yaw) {
        double hw = 0.18 + 0.32 * rng.nextDouble(), hh = 0.15 + 0.35 * rng.nextDouble(), hd = 0.18 + 0.27 * rng.nextDouble();
        float[] b = rng.nextDouble() < 0.5 ? new float[]{0.6f + 0.2f * rng.nextFloat(), 0.45f + 0.1f * rng.nextFloat(), 0.25f} : colour(rng, 0.1f, 0.95f);
        Material m = new Material(b, scaled(b, 0.75f), rng.nextDouble() < 0.5 ? Texture.WOOD : Texture.PLAIN, 0.1, (int) rng.nextLong());
        g.box(x, hh, z, hw, hh, hd, yaw, m);
        if (rng.nextDouble() < 0.4) { // a smaller box on top
            double s = 0.5 + 0.3 * rng.nextDouble();
            g.box(x, 2 * hh + hh * s, z, hw * s, hh * s, hd * s, yaw + rng.nextDouble(), new Material(colour(rng, 0.1f, 0.95f), b, Texture.PLAIN, 1, 0));
        }
    }
}
