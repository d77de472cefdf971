package jgrad.nn.train;

import jgrad.nn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A data source whose iterators own resources (a prefetching loader's worker threads) hands out
 * AutoCloseable iterators; whoever stops iterating before the end must close them.
 */
class ClosingIteratorsTest {
    final float[][] data = Toy.regression(64, 11);

    /** Wraps Toy.loader's batches in iterators that count how often they are closed. */
    static final class Counting implements DataSource {
        final DataSource inner;
        final List<int[]> closes = new ArrayList<>();

        Counting(DataSource inner) {
            this.inner = inner;
        }

        @Override
        public Iterator<Batch> iterator() {
            Iterator<Batch> it = inner.iterator();
            int[] closed = {0};
            closes.add(closed);
            return new CloseableIterator(it, closed);
        }

        int open() {
            int n = 0;
            for (int[] c : closes) if (c[0] == 0) n++;
            return n;
        }
    }

    static final class CloseableIterator implements Iterator<Batch>, AutoCloseable {
        final Iterator<Batch> it;
        final int[] closed;

        CloseableIterator(Iterator<Batch> it, int[] closed) {
            this.it = it;
            this.closed = closed;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Batch next() {
            return it.next();
        }

        @Override
        public void close() {
            closed[0]++;
        }
    }

    @Test
    void trainerClosesTheEpochsIteratorWhenAStepFails() {
        Toy.Affine m = new Toy.Affine(0.5f);
        int[] calls = {0};
        LossFunction failing = (o, t) -> {
            if (++calls[0] == 3) throw new IllegalStateException("step 3 fails");
            return Toy.MSE.compute(o, t);
        };
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), failing).quiet().build();
        Counting train = new Counting(Toy.loader(data, 8, false));
        assertThrows(IllegalStateException.class, () -> t.fit(train, null, 2));
        assertEquals(1, train.closes.size());
        assertEquals(0, train.open(), "the failed epoch's iterator was left open");
    }

    @Test
    void trainerClosesValidationIteratorsWhenEvaluationFails() {
        Toy.Affine m = new Toy.Affine(0.5f);
        LossFunction failing = (o, t) -> {
            if (!jgrad.core.Autograd.isEnabled()) throw new IllegalStateException("evaluation fails");
            return Toy.MSE.compute(o, t);
        };
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), failing).quiet().build();
        Counting train = new Counting(Toy.loader(data, 8, false)), val = new Counting(Toy.loader(data, 8, false));
        assertThrows(IllegalStateException.class, () -> t.fit(train, val, 2));
        assertEquals(0, val.open(), "the failed validation pass's iterator was left open");
        assertEquals(0, train.open());
    }

    @Test
    void lrFinderClosesItsIteratorWhenItStopsBeforeTheEndOfAnEpoch() {
        Toy.Affine m = new Toy.Affine(0.5f);
        Counting src = new Counting(Toy.loader(data, 8, false)); // 8 batches per pass
        var r = new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).range(1e-4, 1e-2, 3).run(src);
        assertEquals("completed", r.stopReason());
        assertEquals(1, src.closes.size());
        assertEquals(0, src.open(), "the sweep stopped after 3 of 8 batches and left the iterator open");
    }

    @Test
    void lrFinderClosesEachPassWhenItCyclesThroughTheData() {
        Toy.Affine m = new Toy.Affine(0.5f);
        Counting src = new Counting(Toy.loader(data, 32, false)); // 2 batches per pass
        new LrFinder(m, new SGD(m.parameters(), 0.1), Toy.MSE).range(1e-4, 1e-2, 5).run(src);
        assertEquals(3, src.closes.size());
        assertEquals(0, src.open());
    }
}
