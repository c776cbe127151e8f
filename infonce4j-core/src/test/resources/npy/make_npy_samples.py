#!/usr/bin/python3
"""Writes the small .npy samples that NpyTest reads back (run with numpy 1.24).

Every value follows a formula that the Java test recomputes:
  float matrices   a[i, j] = i * 10 + j + 0.5  (float64 sample: + 0.25 instead of + 0.5)
  int64 vector     v[k] = k * k - 3            for k in 0..5
  int32 vector     v[k] = 100 * k - 250        for k in 0..6
  masks            m[i, j] = (i + 2 * j) % 3 == 0, shape 3 x 5

Usage: /usr/bin/python3 make_npy_samples.py   (writes next to this script)
"""
import os

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.dirname(os.path.abspath(__file__))


def grid(rows, cols, offset, dtype):
    i, j = np.indices((rows, cols))
    return (i * 10 + j + offset).astype(dtype)  # rows x cols


def save(name, arr):
    np.save(os.path.join(OUT, name), arr, allow_pickle=False)


def save_version(name, arr, version):
    with open(os.path.join(OUT, name), "wb") as f:
        npformat.write_array(f, arr, version=version, allow_pickle=False)


def main():
    i, j = np.indices((3, 5))
    mask = (i + 2 * j) % 3 == 0  # 3 x 5

    save("f32_c.npy", grid(3, 4, 0.5, "<f4"))
    save("f64_c.npy", grid(3, 4, 0.25, "<f8"))
    save("f32_fortran.npy", np.asfortranarray(grid(3, 4, 0.5, "<f4")))
    save("f32_be.npy", grid(3, 4, 0.5, ">f4"))
    save("i64.npy", np.array([k * k - 3 for k in range(6)], dtype="<i8"))
    save("i32.npy", np.array([100 * k - 250 for k in range(7)], dtype="<i4"))
    save("mask_bool.npy", mask)
    save("mask_u8.npy", mask.astype(np.uint8))
    save("mask_bool_fortran.npy", np.asfortranarray(mask))
    save_version("f32_v2.npy", grid(2, 3, 0.5, "<f4"), (2, 0))
    save_version("f32_v3.npy", grid(2, 3, 0.5, "<f4"), (3, 0))


if __name__ == "__main__":
    main()
