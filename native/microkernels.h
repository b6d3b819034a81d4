/*
 * The register-tiled micro-kernels (microkernels.c) and the instruction sets that pick them.
 */
#ifndef INITLAB_MICROKERNELS_H
#define INITLAB_MICROKERNELS_H

#include "gemm.h"

/* Nonzero when the CPU has AVX2 with FMA / AVX-512F (always 0 off x86-64). */
INITLAB_INTERNAL int cpu_avx2(void);
INITLAB_INTERNAL int cpu_avx512(void);

#if INITLAB_X86
/* AVX-512F 12 x 32, AVX2+FMA 6 x 16 (with the dot-product kernel for small-batch A B^T), and
 * emul512: a scalar kernel with the AVX-512 tile shape, for tests on machines without AVX-512. */
INITLAB_INTERNAL extern const isa_t ISA_AVX512, ISA_AVX2, ISA_EMUL512;

/* C = A B^T with few rows and a deep k go to dot_gemm (no packing) when k >= DOT_MIN_K. */
#define DOT_MIN_K 256 /* below, the 8-lane reductions cost more than packing saves */

/* C[i0..i1, j0..j1] for trans_a = 0, trans_b = 1 with the dot-product kernel. */
INITLAB_INTERNAL void dot_gemm(const gemm_args *g, int i0, int i1, int j0, int j1);
#endif

#endif
