/* The vector kernels: see vector.h. */
#include "vector.h"

#include <string.h>

void add_row_vector(float *y, const float *v, size_t rows, size_t cols) {
  for (size_t i = 0; i < rows; i++) {
    float *yi = y + i * cols;
    for (size_t j = 0; j < cols; j++) yi[j] += v[j];
  }
}

void sum_rows(const float *x, size_t rows, size_t cols, float *out, float beta) {
  if (beta == 0.0f) memset(out, 0, sizeof(float) * cols);
  else if (beta != 1.0f)
    for (size_t j = 0; j < cols; j++) out[j] *= beta;
  for (size_t i = 0; i < rows; i++) {
    const float *xi = x + i * cols;
    for (size_t j = 0; j < cols; j++) out[j] += xi[j];
  }
}
