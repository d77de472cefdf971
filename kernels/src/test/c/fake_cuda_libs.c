/* Stand-ins with the C signatures of the cuBLAS and cuDNN functions jgrad binds, built by the
 * FFM tests on machines without a GPU. Each records its arguments in jg_rec so a test can check
 * that Java passed every value in the right position; the cuDNN algorithm queries return a fixed
 * ranked list so the choice rules can be checked. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

double jg_rec[32];
char jg_last[64];

static void rec(const char *name) { strncpy(jg_last, name, sizeof jg_last - 1); }

/* ---- cuBLAS ---- */
int cublasCreate_v2(void **h) { *h = (void *)0x1001; rec("cublasCreate_v2"); return 0; }
int cublasDestroy_v2(void *h) { rec("cublasDestroy_v2"); return h == (void *)0x1001 ? 0 : 7; }
/* a stream of 0xBAD is refused (CUBLAS_STATUS_INVALID_VALUE / CUDNN_STATUS_BAD_PARAM), to drive the error paths */
int cublasSetStream_v2(void *h, void *s) {
    rec("cublasSetStream_v2");
    jg_rec[0] = (double)(uintptr_t)s;
    return (uintptr_t)s == 0xBAD ? 7 : 0;
}
int cublasGetVersion_v2(void *h, int *v) { *v = 130000; return 0; }
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc) {
    rec("cublasSgemm_v2");
    double v[] = {ta, tb, m, n, k, *alpha, (double)(uintptr_t)A, lda, (double)(uintptr_t)B, ldb, *beta,
                  (double)(uintptr_t)C, ldc};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cublasSgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A,
                              int lda, long long sa, const float *B, int ldb, long long sb, const float *beta,
                              float *C, int ldc, long long sc, int batch) {
    rec("cublasSgemmStridedBatched");
    double v[] = {ta, tb, m, n, k, *alpha, (double)(uintptr_t)A, lda, (double)sa, (double)(uintptr_t)B, ldb,
                  (double)sb, *beta, (double)(uintptr_t)C, ldc, (double)sc, batch};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}

/* ---- cuDNN ---- */
typedef struct { int algo, status; float time; size_t memory; int determinism, mathType, reserved[3]; } perf_t;
typedef struct { int a, b, c, d, e, f, g, h; } desc_t;
static desc_t pool[64];
static int used;

size_t cudnnGetVersion(void) { return 90100; }
const char *cudnnGetErrorString(int s) { return s == 2000 ? "CUDNN_STATUS_BAD_PARAM" : "CUDNN_STATUS_OTHER"; }
int cudnnCreate(void **h) { *h = (void *)0x2002; return 0; }
int cudnnDestroy(void *h) { rec("cudnnDestroy"); return 0; }
int cudnnSetStream(void *h, void *s) { rec("cudnnSetStream"); jg_rec[0] = (double)(uintptr_t)s; return (uintptr_t)s == 0xBAD ? 2000 : 0; }
static int make(void **d) { if (used == 64) return 1; *d = &pool[used++]; return 0; }
int cudnnCreateTensorDescriptor(void **d) { return make(d); }
int cudnnCreateFilterDescriptor(void **d) { return make(d); }
int cudnnCreateConvolutionDescriptor(void **d) { return make(d); }
int cudnnDestroyTensorDescriptor(void *d) { return 0; }
int cudnnDestroyFilterDescriptor(void *d) { return 0; }
int cudnnDestroyConvolutionDescriptor(void *d) { return 0; }
int cudnnSetTensor4dDescriptor(desc_t *d, int fmt, int type, int n, int c, int h, int w) {
    if (fmt != 0 || type != 0) return 2000;
    d->a = n; d->b = c; d->c = h; d->d = w; return 0;
}
int cudnnSetFilter4dDescriptor(desc_t *d, int type, int fmt, int k, int c, int h, int w) {
    if (fmt != 0 || type != 0) return 2000;
    d->a = k; d->b = c; d->c = h; d->d = w; return 0;
}
int cudnnSetConvolution2dDescriptor(desc_t *d, int ph, int pw, int sh, int sw, int dh, int dw, int mode, int type) {
    if (mode != 1 || type != 0) return 2000;
    d->a = ph; d->b = pw; d->c = sh; d->d = sw; d->e = dh; d->f = dw; d->g = 1; return 0;
}
int cudnnSetConvolutionGroupCount(desc_t *d, int g) { d->g = g; return 0; }
int cudnnSetConvolutionMathType(desc_t *d, int m) { d->h = m; return 0; }
int cudnnGetConvolution2dForwardOutputDim(desc_t *conv, desc_t *x, desc_t *w, int *n, int *c, int *h, int *wo) {
    *n = x->a; *c = w->a;
    *h = (x->c + 2 * conv->a - conv->e * (w->c - 1) - 1) / conv->c + 1;
    *wo = (x->d + 2 * conv->b - conv->f * (w->d - 1) - 1) / conv->d + 1;
    return 0;
}
static int ranked(int requested, int *count, perf_t *p) {
    /* fastest first: non-deterministic, then one needing too much workspace, then a failure, then two deterministic */
    perf_t list[] = {{6, 0, 0.1f, 100, 0, 0}, {5, 0, 0.2f, (size_t)1 << 40, 1, 0}, {4, 3000, 0.3f, 0, 1, 0},
                     {1, 0, 0.4f, 2048, 1, 1}, {0, 0, 0.5f, 0, 1, 0}};
    int n = requested < 5 ? requested : 5;
    for (int i = 0; i < n; i++) p[i] = list[i];
    *count = n;
    return 0;
}
int cudnnGetConvolutionForwardAlgorithm_v7(void *h, void *x, void *w, void *c, void *y, int r, int *n, perf_t *p) { return ranked(r, n, p); }
int cudnnGetConvolutionBackwardDataAlgorithm_v7(void *h, void *w, void *dy, void *c, void *dx, int r, int *n, perf_t *p) { return ranked(r, n, p); }
int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *h, void *x, void *dy, void *c, void *dw, int r, int *n, perf_t *p) { return ranked(r, n, p); }
static int ws(desc_t *conv, int algo, size_t *s) { *s = algo == 1 && conv->h == 1 ? 4096 : 999; return 0; }
int cudnnGetConvolutionForwardWorkspaceSize(void *h, void *x, void *w, desc_t *c, void *y, int a, size_t *s) { return ws(c, a, s); }
int cudnnGetConvolutionBackwardDataWorkspaceSize(void *h, void *w, void *dy, desc_t *c, void *dx, int a, size_t *s) { return ws(c, a, s); }
int cudnnGetConvolutionBackwardFilterWorkspaceSize(void *h, void *x, void *dy, desc_t *c, void *dw, int a, size_t *s) { return ws(c, a, s); }
int cudnnConvolutionForward(void *h, const float *alpha, void *xd, void *x, void *wd, void *w, desc_t *c, int algo,
                            void *ws, size_t wss, const float *beta, void *yd, void *y) {
    rec("cudnnConvolutionForward");
    double v[] = {*alpha, (double)(uintptr_t)x, (double)(uintptr_t)w, algo, (double)(uintptr_t)ws, (double)wss,
                  *beta, (double)(uintptr_t)y, c->h};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnConvolutionBackwardData(void *h, const float *alpha, void *wd, void *w, void *dyd, void *dy, desc_t *c,
                                 int algo, void *ws, size_t wss, const float *beta, void *dxd, void *dx) {
    rec("cudnnConvolutionBackwardData");
    double v[] = {*alpha, (double)(uintptr_t)w, (double)(uintptr_t)dy, algo, (double)(uintptr_t)ws, (double)wss,
                  *beta, (double)(uintptr_t)dx, c->h};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnConvolutionBackwardFilter(void *h, const float *alpha, void *xd, void *x, void *dyd, void *dy, desc_t *c,
                                   int algo, void *ws, size_t wss, const float *beta, void *dwd, void *dw) {
    rec("cudnnConvolutionBackwardFilter");
    double v[] = {*alpha, (double)(uintptr_t)x, (double)(uintptr_t)dy, algo, (double)(uintptr_t)ws, (double)wss,
                  *beta, (double)(uintptr_t)dw, c->h};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnConvolutionBackwardBias(void *h, const float *alpha, desc_t *dyd, void *dy, const float *beta, desc_t *dbd, void *db) {
    rec("cudnnConvolutionBackwardBias");
    double v[] = {*alpha, (double)(uintptr_t)dy, *beta, (double)(uintptr_t)db, dyd->b, dbd->a, dbd->b};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnBatchNormalizationForwardTraining(void *h, int mode, const float *alpha, const float *beta, desc_t *xd,
        void *x, desc_t *yd, void *y, desc_t *bnd, void *scale, void *bias, double factor, void *rm, void *rv,
        double eps, void *sm, void *siv) {
    rec("cudnnBatchNormalizationForwardTraining");
    double v[] = {mode, *alpha, *beta, xd->b, (double)(uintptr_t)x, (double)(uintptr_t)y, bnd->b,
                  (double)(uintptr_t)scale, (double)(uintptr_t)bias, factor, (double)(uintptr_t)rm,
                  (double)(uintptr_t)rv, eps, (double)(uintptr_t)sm, (double)(uintptr_t)siv};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnBatchNormalizationForwardInference(void *h, int mode, const float *alpha, const float *beta, desc_t *xd,
        void *x, desc_t *yd, void *y, desc_t *bnd, void *scale, void *bias, void *mean, void *var, double eps) {
    rec("cudnnBatchNormalizationForwardInference");
    double v[] = {mode, *alpha, *beta, (double)(uintptr_t)x, (double)(uintptr_t)y, (double)(uintptr_t)scale,
                  (double)(uintptr_t)bias, (double)(uintptr_t)mean, (double)(uintptr_t)var, eps};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
int cudnnBatchNormalizationBackward(void *h, int mode, const float *ad, const float *bd, const float *ap,
        const float *bp, desc_t *xd, void *x, desc_t *dyd, void *dy, desc_t *dxd, void *dx, desc_t *bnd, void *scale,
        void *dscale, void *dbias, double eps, void *sm, void *siv) {
    rec("cudnnBatchNormalizationBackward");
    double v[] = {mode, *ad, *bd, *ap, *bp, (double)(uintptr_t)x, (double)(uintptr_t)dy, (double)(uintptr_t)dx,
                  (double)(uintptr_t)scale, (double)(uintptr_t)dscale, (double)(uintptr_t)dbias, eps,
                  (double)(uintptr_t)sm, (double)(uintptr_t)siv};
    memcpy(jg_rec, v, sizeof v);
    return 0;
}
