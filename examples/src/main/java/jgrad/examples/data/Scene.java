package jgrad.examples.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A small ray-cast scene: a closed box room seen from inside by a pinhole camera, plus groups of
 * primitives (boxes, ellipsoids, vertical cylinders) standing in it. Everything is exact
 * geometry, so depth and foreground coverage are known per pixel, not estimated.
 *
 * <p><b>Camera.</b> At {@code eye}, looking along {@code forward} (pitched down by {@code pitch}
 * radians from +z), vertical field of view {@code fovY}. The ray through pixel (x, y) of a W×H
 * image passes through the image-plane point at ((x + 0.5)/W·2 − 1)·tan(fovY/2)·W/H to the right
 * and (1 − (y + 0.5)/H·2)·tan(fovY/2) up.
 *
 * <p><b>Geometry per pixel.</b> The primary ray through the pixel centre decides the pixel's depth
 * and mask: depth is the camera-space z of the nearest hit, z = (hit − eye)·forward (not the
 * Euclidean distance), and the pixel is foreground when that nearest hit belongs to a group marked
 * foreground. Colour may be supersampled (spp × spp rays on a regular sub-grid, averaged) for
 * smooth edges; depth and mask never are, so they are exact at the pixel centre.
 *
 * <p><b>Shading.</b> Lambert: colour = albedo · (ambient + sky·(0.5 + 0.5·n_y) + bounce·(0.5 − 0.5·n_y)
 * + I·max(0, n·l)·s/(1 + k·r²)),
 * with one point light near the ceiling (s = 0 when a shadow ray from the hit point to the light
 * is blocked by any group, 1 otherwise) and a small camera-side fill term. Albedo comes from the
 * primitive's {@link Material}, which may be a procedural texture of the world position.
 *
 * <p>A scene is immutable after construction and safe to render from several threads.
 */
public final class Scene {
    /** Procedural surface patterns, evaluated from world coordinates. */
    public enum Texture { PLAIN, CHECKER, WOOD, NOISE, STRIPES, BRICK }

    /** A surface colour: base and second colour (linear-ish RGB in [0,1]), texture and its scale. */
    public record Material(float[] base, float[] second, Texture texture, double scale, int seed) {
        public static Material plain(float r, float g, float b) {
            return new Material(new float[]{r, g, b}, new float[]{r, g, b}, Texture.PLAIN, 1, 0);
        }

        /** Albedo at world point p whose surface has dominant normal axis {@code axis} (0 x, 1 y, 2 z). */
        void albedo(double px, double py, double pz, int axis, float[] out) {
            // 2-D surface coordinates: the two axes other than the normal's
            double u = axis == 0 ? pz : px, v = axis == 1 ? pz : py;
            double t;
            switch (texture) {
                case CHECKER -> t = ((Math.floorMod((long) Math.floor(u / scale), 2) + Math.floorMod((long) Math.floor(v / scale), 2)) & 1)
                        * 0.85 + 0.15 * Noise.value(u * 6, v * 6, seed);
                case WOOD -> {
                    // planks along u, each with its own shade; rings from a wobbly distance field
                    double plank = Math.floor(v / scale);
                    double shade = Noise.hash((long) plank, 7, seed);
                    double ring = 0.5 + 0.5 * Math.sin((u * 3 + Noise.value(u * 1.5, v * 8, seed) * 4 + shade * 10) * 4);
                    double seam = (v / scale - plank) < 0.06 ? 1 : 0;
                    t = Math.min(1, 0.35 * shade + 0.35 * ring + seam);
                }
                case NOISE -> t = Noise.fractal(u / scale, v / scale, seed);
                case STRIPES -> t = (Math.floorMod((long) Math.floor(u / scale), 2) == 0 ? 0.8 : 0.1)
                        + 0.1 * Noise.value(u * 10, v * 10, seed);
                case BRICK -> {
                    double bh = scale * 0.5;
                    long row = (long) Math.floor(v / bh);
                    double uu = u / scale + (row & 1) * 0.5;
                    double fu = uu - Math.floor(uu), fv = v / bh - row;
                    boolean mortar = fu < 0.05 || fv < 0.1;
                    t = mortar ? 1 : 0.25 * Noise.hash((long) Math.floor(uu), row, seed) + 0.1 * Noise.value(u * 20, v * 20, seed);
                }
                default -> t = 0;
            }
            for (int c = 0; c < 3; c++) out[c] = (float) (base[c] + (second[c] - base[c]) * t);
        }
    }

    /** Intersection record, filled by {@link Prim#intersect}. */
    static final class Hit {
        double t;
        double nx, ny, nz;
        Prim prim;
        Group group;
    }

    /** A primitive: returns the nearest ray parameter in (tMin, tMax), or +∞, and its normal. */
    abstract static class Prim {
        final Material material;

        Prim(Material material) {
            this.material = material;
        }

        /** Nearest t in (tMin, tMax) where the ray o + t·d meets the surface; sets the hit normal. */
        abstract double intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                                  double tMin, double tMax, Hit hit);
    }

    /** A box rotated by {@code yaw} about the vertical axis through its centre. */
    static final class Box extends Prim {
        final double cx, cy, cz, hx, hy, hz, cos, sin;

        Box(double cx, double cy, double cz, double hx, double hy, double hz, double yaw, Material m) {
            super(m);
            this.cx = cx; this.cy = cy; this.cz = cz; this.hx = hx; this.hy = hy; this.hz = hz;
            this.cos = Math.cos(yaw); this.sin = Math.sin(yaw);
        }

        @Override
        double intersect(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax, Hit hit) {
            // to local frame: translate, then rotate by -yaw about y
            double px = ox - cx, py = oy - cy, pz = oz - cz;
            double lx = cos * px - sin * pz, lz = sin * px + cos * pz;
            double ldx = cos * dx - sin * dz, ldz = sin * dx + cos * dz;
            // slab test, axis by axis (no arrays: this is the hottest loop of the renderer)
            double t0 = tMin, t1 = tMax;
            int axis = -1;
            double sign = 0;
            for (int a = 0; a < 3; a++) {
                double o = a == 0 ? lx : a == 1 ? py : lz;
                double d = a == 0 ? ldx : a == 1 ? dy : ldz;
                double h = a == 0 ? hx : a == 1 ? hy : hz;
                if (Math.abs(d) < 1e-12) {
                    if (o < -h || o > h) return Double.POSITIVE_INFINITY;
                    continue;
                }
                double inv = 1 / d;
                double ta = (-h - o) * inv, tb = (h - o) * inv;
                double s = -1;
                if (ta > tb) { double tmp = ta; ta = tb; tb = tmp; s = 1; }
                if (ta > t0) { t0 = ta; axis = a; sign = s; }
                if (tb < t1) t1 = tb;
                if (t0 > t1) return Double.POSITIVE_INFINITY;
            }
            if (axis < 0) return Double.POSITIVE_INFINITY; // origin inside the box: not a visible surface
            double nlx = axis == 0 ? sign : 0, nly = axis == 1 ? sign : 0, nlz = axis == 2 ? sign : 0;
            hit.nx = cos * nlx + sin * nlz;
            hit.ny = nly;
            hit.nz = -sin * nlx + cos * nlz;
            return t0;
        }
    }

    /** An ellipsoid with radii (rx, ry, rz) in its own frame, rotated by {@code yaw} about y. */
    static final class Ellipsoid extends Prim {
        final double cx, cy, cz, rx, ry, rz, cos, sin;

        Ellipsoid(double cx, double cy, double cz, double rx, double ry, double rz, double yaw, Material m) {
            super(m);
            this.cx = cx; this.cy = cy; this.cz = cz; this.rx = rx; this.ry = ry; this.rz = rz;
            this.cos = Math.cos(yaw); this.sin = Math.sin(yaw);
        }

        @Override
        double intersect(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax, Hit hit) {
            double px = ox - cx, py = oy - cy, pz = oz - cz;
            // local, scaled to the unit sphere
            double lx = (cos * px - sin * pz) / rx, ly = py / ry, lz = (sin * px + cos * pz) / rz;
            double ldx = (cos * dx - sin * dz) / rx, ldy = dy / ry, ldz = (sin * dx + cos * dz) / rz;
            double a = ldx * ldx + ldy * ldy + ldz * ldz;
            double b = lx * ldx + ly * ldy + lz * ldz;
            double c = lx * lx + ly * ly + lz * lz - 1;
            double disc = b * b - a * c;
            if (disc < 0) return Double.POSITIVE_INFINITY;
            double sq = Math.sqrt(disc);
            double t = (-b - sq) / a;
            if (t <= tMin) t = (-b + sq) / a;
            if (t <= tMin || t >= tMax) return Double.POSITIVE_INFINITY;
            // normal: gradient of the implicit function, back to world frame
            double hx = (lx + t * ldx) / rx, hy = (ly + t * ldy) / ry, hz = (lz + t * ldz) / rz;
            double wx = cos * hx + sin * hz, wz = -sin * hx + cos * hz;
            double len = Math.sqrt(wx * wx + hy * hy + wz * wz);
            hit.nx = wx / len; hit.ny = hy / len; hit.nz = wz / len;
            return t;
        }
    }

    /** A vertical capped cylinder: axis at (cx, cz), radius r, from y0 to y1. */
    static final class Cylinder extends Prim {
        final double cx, cz, r, y0, y1;

        Cylinder(double cx, double cz, double r, double y0, double y1, Material m) {
            super(m);
            this.cx = cx; this.cz = cz; this.r = r; this.y0 = y0; this.y1 = y1;
        }

        @Override
        double intersect(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax, Hit hit) {
            double best = Double.POSITIVE_INFINITY;
            double px = ox - cx, pz = oz - cz;
            double a = dx * dx + dz * dz;
            if (a > 1e-14) {
                double b = px * dx + pz * dz, c = px * px + pz * pz - r * r;
                double disc = b * b - a * c;
                if (disc >= 0) {
                    double sq = Math.sqrt(disc);
                    for (double t : new double[]{(-b - sq) / a, (-b + sq) / a}) {
                        if (t > tMin && t < tMax && t < best) {
                            double y = oy + t * dy;
                            if (y >= y0 && y <= y1) {
                                best = t;
                                hit.nx = (px + t * dx) / r; hit.ny = 0; hit.nz = (pz + t * dz) / r;
                                break;
                            }
                        }
                    }
                }
            }
            if (Math.abs(dy) > 1e-14) {
                for (int k = 0; k < 2; k++) {
                    double yc = k == 0 ? y0 : y1;
                    double t = (yc - oy) / dy;
                    if (t > tMin && t < tMax && t < best) {
                        double qx = px + t * dx, qz = pz + t * dz;
                        if (qx * qx + qz * qz <= r * r) {
                            best = t;
                            hit.nx = 0; hit.ny = k == 0 ? -1 : 1; hit.nz = 0;
                        }
                    }
                }
            }
            return best;
        }
    }

    /** Primitives forming one object, with a bounding sphere to skip them quickly. */
    public static final class Group {
        final List<Prim> prims = new ArrayList<>();
        final boolean foreground;
        double bx, by, bz, br = -1;

        public Group(boolean foreground) {
            this.foreground = foreground;
        }

        public boolean foreground() {
            return foreground;
        }

        void add(Prim p, double sx, double sy, double sz, double sr) {
            prims.add(p);
            if (br < 0) {
                bx = sx; by = sy; bz = sz; br = sr;
                return;
            }
            // grow the bounding sphere to contain the new one
            double ddx = sx - bx, ddy = sy - by, ddz = sz - bz;
            double dist = Math.sqrt(ddx * ddx + ddy * ddy + ddz * ddz);
            if (dist + sr <= br) return;
            if (dist + br <= sr) { bx = sx; by = sy; bz = sz; br = sr; return; }
            double nr = (dist + br + sr) / 2;
            double k = (nr - br) / dist;
            bx += ddx * k; by += ddy * k; bz += ddz * k; br = nr;
        }

        public Group box(double cx, double cy, double cz, double hx, double hy, double hz, double yaw, Material m) {
            add(new Box(cx, cy, cz, hx, hy, hz, yaw, m), cx, cy, cz, Math.sqrt(hx * hx + hy * hy + hz * hz));
            return this;
        }

        public Group ellipsoid(double cx, double cy, double cz, double rx, double ry, double rz, double yaw, Material m) {
            add(new Ellipsoid(cx, cy, cz, rx, ry, rz, yaw, m), cx, cy, cz, Math.max(rx, Math.max(ry, rz)));
            return this;
        }

        public Group sphere(double cx, double cy, double cz, double r, Material m) {
            return ellipsoid(cx, cy, cz, r, r, r, 0, m);
        }

        public Group cylinder(double cx, double cz, double r, double y0, double y1, Material m) {
            double h = (y1 - y0) / 2;
            add(new Cylinder(cx, cz, r, y0, y1, m), cx, (y0 + y1) / 2, cz, Math.sqrt(r * r + h * h));
            return this;
        }

        /** Does the ray possibly meet the bounding sphere within (tMin, tMax)? */
        boolean mayHit(double ox, double oy, double oz, double dx, double dy, double dz, double tMax) {
            double px = ox - bx, py = oy - by, pz = oz - bz;
            double b = px * dx + py * dy + pz * dz; // d is unit length
            double c = px * px + py * py + pz * pz - br * br;
            if (c <= 0) return true;
            if (b > 0) return false;
            double disc = b * b - c;
            return disc >= 0 && -b - Math.sqrt(disc) < tMax;
        }
    }

    // room: x in [-halfWidth, halfWidth], y in [0, height], z in [zFront, depth]
    final double halfWidth, height, zFront, roomDepth;
    final Material floor, ceiling, backWall, leftWall, rightWall, frontWall;
    final List<Group> groups = new ArrayList<>();
    // camera
    final double eyeX, eyeY, eyeZ, pitch, fovY;
    final double fx, fy, fz, ux, uy, uz; // forward and up (right is +x)
    // light
    final double lightX, lightY, lightZ, lightPower, ambient, sky;
    private static final double BOUNCE = 0.2;

    public Scene(double halfWidth, double height, double roomDepth, Material floor, Material ceiling, Material backWall,
                 Material leftWall, Material rightWall, double eyeX, double eyeY, double eyeZ, double pitch, double fovY,
                 double lightX, double lightY, double lightZ, double lightPower, double ambient) {
        this.halfWidth = halfWidth;
        this.height = height;
        this.roomDepth = roomDepth;
        this.zFront = eyeZ - 0.5;
        this.floor = floor; this.ceiling = ceiling; this.backWall = backWall;
        this.leftWall = leftWall; this.rightWall = rightWall; this.frontWall = backWall;
        this.eyeX = eyeX; this.eyeY = eyeY; this.eyeZ = eyeZ; this.pitch = pitch; this.fovY = fovY;
        this.fx = 0; this.fy = -Math.sin(pitch); this.fz = Math.cos(pitch);
        this.ux = 0; this.uy = Math.cos(pitch); this.uz = Math.sin(pitch);
        this.lightX = lightX; this.lightY = lightY; this.lightZ = lightZ; this.lightPower = lightPower;
        this.ambient = ambient;
        this.sky = 0.12;
    }

    /** A copy of this scene's room, camera, light and groups, plus {@code extra} groups. */
    public Scene with(List<Group> extra) {
        Scene s = new Scene(halfWidth, height, roomDepth, floor, ceiling, backWall, leftWall, rightWall,
                eyeX, eyeY, eyeZ, pitch, fovY, lightX, lightY, lightZ, lightPower, ambient);
        s.groups.addAll(groups);
        s.groups.addAll(extra);
        return s;
    }

    public void add(Group g) {
        groups.add(g);
    }

    /** Result of a render: RGB planes (3·H·W, values in [0,1]), z-depth (H·W) and foreground flags. */
    public record Render(int width, int height, float[] rgb, float[] depth, boolean[] foreground) {}

    /** Renders a width × height image with spp × spp colour samples per pixel. */
    public Render render(int width, int height, int spp) {
        float[] rgb = new float[3 * width * height];
        float[] depth = new float[width * height];
        boolean[] fg = new boolean[width * height];
        Hit hit = new Hit(), scratch = new Hit();
        float[] col = new float[3], acc = new float[3], alb = new float[3];
        double tanY = Math.tan(fovY / 2), tanX = tanY * width / height;
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                // geometry from the pixel centre
                double[] d = direction((x + 0.5) / width, (y + 0.5) / height, tanX, tanY);
                trace(d[0], d[1], d[2], hit);
                depth[i] = (float) (hit.t * (d[0] * fx + d[1] * fy + d[2] * fz));
                fg[i] = hit.group != null && hit.group.foreground;
                if (spp <= 1) {
                    shade(d[0], d[1], d[2], hit, scratch, alb, col);
                    acc[0] = col[0]; acc[1] = col[1]; acc[2] = col[2];
                } else {
                    acc[0] = acc[1] = acc[2] = 0;
                    for (int sy = 0; sy < spp; sy++) {
                        for (int sx = 0; sx < spp; sx++) {
                            double[] e = direction((x + (sx + 0.5) / spp) / width, (y + (sy + 0.5) / spp) / height, tanX, tanY);
                            trace(e[0], e[1], e[2], hit);
                            shade(e[0], e[1], e[2], hit, scratch, alb, col);
                            acc[0] += col[0]; acc[1] += col[1]; acc[2] += col[2];
                        }
                    }
                    float inv = 1f / (spp * spp);
                    acc[0] *= inv; acc[1] *= inv; acc[2] *= inv;
                }
                for (int c = 0; c < 3; c++) rgb[c * plane + i] = Math.min(1f, Math.max(0f, acc[c]));
            }
        }
        return new Render(width, height, rgb, depth, fg);
    }

    /** Pixels whose centre ray first meets a foreground group (the mask area of {@link #render}, without shading). */
    public int foregroundPixels(int width, int height) {
        Hit hit = new Hit();
        double tanY = Math.tan(fovY / 2), tanX = tanY * width / height;
        int n = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double[] d = direction((x + 0.5) / width, (y + 0.5) / height, tanX, tanY);
                trace(d[0], d[1], d[2], hit);
                if (hit.group != null && hit.group.foreground) n++;
            }
        }
        return n;
    }

    /** Unit ray direction through normalised image coordinates (u right, v down, both in [0,1]). */
    private double[] direction(double u, double v, double tanX, double tanY) {
        double sx = (u * 2 - 1) * tanX, sy = (1 - v * 2) * tanY;
        double dx = fx + sx + ux * sy, dy = fy + uy * sy, dz = fz + uz * sy;
        double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
        return new double[]{dx / len, dy / len, dz / len};
    }

    /** Nearest hit of the ray from the eye; the room always closes it. */
    private void trace(double dx, double dy, double dz, Hit hit) {
        roomExit(eyeX, eyeY, eyeZ, dx, dy, dz, hit);
        nearestGroupHit(eyeX, eyeY, eyeZ, dx, dy, dz, hit);
    }

    /** Where a ray from inside the room leaves it; sets t, normal (pointing inwards), prim = null. */
    private void roomExit(double ox, double oy, double oz, double dx, double dy, double dz, Hit hit) {
        double t = Double.POSITIVE_INFINITY;
        int face = -1;
        if (dx > 0) { double tt = (halfWidth - ox) / dx; if (tt < t) { t = tt; face = 0; } }
        if (dx < 0) { double tt = (-halfWidth - ox) / dx; if (tt < t) { t = tt; face = 1; } }
        if (dy > 0) { double tt = (height - oy) / dy; if (tt < t) { t = tt; face = 2; } }
        if (dy < 0) { double tt = (0 - oy) / dy; if (tt < t) { t = tt; face = 3; } }
        if (dz > 0) { double tt = (roomDepth - oz) / dz; if (tt < t) { t = tt; face = 4; } }
        if (dz < 0) { double tt = (zFront - oz) / dz; if (tt < t) { t = tt; face = 5; } }
        hit.t = t;
        hit.prim = null;
        hit.group = null;
        hit.nx = face == 0 ? -1 : face == 1 ? 1 : 0;
        hit.ny = face == 2 ? -1 : face == 3 ? 1 : 0;
        hit.nz = face == 4 ? -1 : face == 5 ? 1 : 0;
    }

    private void nearestGroupHit(double ox, double oy, double oz, double dx, double dy, double dz, Hit hit) {
        double nx = hit.nx, ny = hit.ny, nz = hit.nz;
        for (Group g : groups) {
            if (!g.mayHit(ox, oy, oz, dx, dy, dz, hit.t)) continue;
            for (Prim p : g.prims) {
                double t = p.intersect(ox, oy, oz, dx, dy, dz, 1e-9, hit.t, hit);
                if (t < hit.t) {
                    hit.t = t;
                    hit.prim = p;
                    hit.group = g;
                    nx = hit.nx; ny = hit.ny; nz = hit.nz;
                } else {
                    hit.nx = nx; hit.ny = ny; hit.nz = nz; // a miss may have scribbled on the normal
                }
            }
        }
        hit.nx = nx; hit.ny = ny; hit.nz = nz;
    }

    /** Is anything between the point and the light? */
    private boolean occluded(double px, double py, double pz, double dx, double dy, double dz, double dist, Hit scratch) {
        for (Group g : groups) {
            if (!g.mayHit(px, py, pz, dx, dy, dz, dist)) continue;
            for (Prim p : g.prims) {
                if (p.intersect(px, py, pz, dx, dy, dz, 1e-4, dist, scratch) < dist) return true;
            }
        }
        return false;
    }

    private Material roomMaterial(Hit hit) {
        if (hit.ny > 0.5) return floor;
        if (hit.ny < -0.5) return ceiling;
        if (hit.nx > 0.5) return leftWall;
        if (hit.nx < -0.5) return rightWall;
        return hit.nz < -0.5 ? backWall : frontWall;
    }

    private void shade(double dx, double dy, double dz, Hit hit, Hit scratch, float[] alb, float[] out) {
        double px = eyeX + hit.t * dx, py = eyeY + hit.t * dy, pz = eyeZ + hit.t * dz;
        double nx = hit.nx, ny = hit.ny, nz = hit.nz;
        if (nx * dx + ny * dy + nz * dz > 0) { nx = -nx; ny = -ny; nz = -nz; }
        Material m = hit.prim == null ? roomMaterial(hit) : hit.prim.material;
        int axis = Math.abs(nx) > Math.abs(ny) ? (Math.abs(nx) > Math.abs(nz) ? 0 : 2) : (Math.abs(ny) > Math.abs(nz) ? 1 : 2);
        m.albedo(px, py, pz, axis, alb);
        double lx = lightX - px, ly = lightY - py, lz = lightZ - pz;
        double dist = Math.sqrt(lx * lx + ly * ly + lz * lz);
        lx /= dist; ly /= dist; lz /= dist;
        double lambert = Math.max(0, nx * lx + ny * ly + nz * lz);
        double direct = 0;
        if (lambert > 0 && !occluded(px + nx * 1e-4, py + ny * 1e-4, pz + nz * 1e-4, lx, ly, lz, dist, scratch)) {
            direct = lightPower * lambert / (1 + 0.04 * dist * dist);
        }
        double fill = 0.15 * Math.max(0, -(nx * dx + ny * dy + nz * dz));
        // hemisphere ambient: light from above plus a dimmer bounce from the floor (lifts the ceiling)
        double light = ambient + sky * (0.5 + 0.5 * ny) + BOUNCE * (0.5 - 0.5 * ny) + fill + direct;
        for (int c = 0; c < 3; c++) out[c] = (float) (alb[c] * light);
    }

    /** Deterministic value noise (no state): smooth pseudo-random field in [0,1]. */
    static final class Noise {
        private Noise() {}

        static double hash(long x, long y, int seed) {
            long h = x * 0x9E3779B97F4A7C15L ^ y * 0xC2B2AE3D27D4EB4FL ^ seed * 0x165667B19E3779F9L;
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            return (h >>> 11) * 0x1.0p-53;
        }

        static double value(double x, double y, int seed) {
            long xi = (long) Math.floor(x), yi = (long) Math.floor(y);
            double fx = x - xi, fy = y - yi;
            double sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
            double a = hash(xi, yi, seed), b = hash(xi + 1, yi, seed), c = hash(xi, yi + 1, seed), d = hash(xi + 1, yi + 1, seed);
            return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
        }

        static double fractal(double x, double y, int seed) {
            return (value(x, y, seed) * 0.5 + value(x * 2.1, y * 2.1, seed + 1) * 0.3 + value(x * 4.3, y * 4.3, seed + 2) * 0.2);
        }
    }
}
