/*
 * What the native kernels know about the machine they are compiled for: INITLAB_X86 (x86-64 with
 * GCC or Clang: the AVX2 and AVX-512 code paths exist, each function compiled with its own target
 * attribute so the binary runs on any x86-64 CPU) and INITLAB_INTERNAL, which keeps the functions
 * shared between the addon's files out of its exported symbols (so nothing in the Node binary can
 * interpose on them, and calls between files stay direct).
 */
#ifndef INITLAB_ARCH_H
#define INITLAB_ARCH_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define INITLAB_X86 1
#include <immintrin.h>
#define TARGET_AVX2 __attribute__((target("avx2")))
#else
#define INITLAB_X86 0
#define TARGET_AVX2
#endif

#define INITLAB_INTERNAL __attribute__((visibility("hidden")))

#endif
