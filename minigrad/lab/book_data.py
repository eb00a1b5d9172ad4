"""The training data of the book's companion notebooks for chapter 6, as published.

*Understanding Deep Learning* comes with Jupyter notebooks (public repository
``udlbook/udlbook``, commit ``a8fe82b5e155cb4f42415d2461ffa23224b1173b``); those of
chapter 6 fit two small data sets written into the notebooks themselves:

* ``LINEAR_X``/``LINEAR_Y``: twelve pairs for the 1-D linear model
  ``y = phi0 + phi1 * x`` (``Notebooks/Chap06/6_2_Gradient_Descent.ipynb``), fit
  with the sum of squared residuals (no ``1/N``, no ``1/2``);
* ``GABOR_X``/``GABOR_Y``: thirty pairs for the Gabor model
  ``sin(z) exp(-z**2 / 32)``, ``z = phi0 + 0.06 * phi1 * x``
  (``6_3_Stochastic_Gradient_Descent.ipynb`` and ``6_4_Momentum.ipynb``), fit with
  the sum of squared residuals over all thirty points.

Only the numbers are copied here;
[`minigrad.lab.datasets.book_linear()`][minigrad.lab.datasets.book_linear] and
[`minigrad.lab.datasets.book_gabor()`][minigrad.lab.datasets.book_gabor] return them as arrays.
"""

SOURCE = "udlbook/udlbook@a8fe82b5e155cb4f42415d2461ffa23224b1173b, Notebooks/Chap06"

LINEAR_X = [
    0.03, 0.19, 0.34, 0.46, 0.78, 0.81, 1.08, 1.18,
    1.39, 1.6, 1.65, 1.9,
]
LINEAR_Y = [
    0.67, 0.85, 1.05, 1.0, 1.4, 1.5, 1.3, 1.54,
    1.55, 1.68, 1.73, 1.6,
]

GABOR_X = [
    -1.92, -14.22, 1.49, -1.94, -2.389, -5.09,
    -8.861, 3.578, -6.01, -6.995, 3.634, 0.8743,
    -10.96, 0.4073, -9.467, 8.56, 10.62, -0.1729,
    10.4, -12.61, 0.1574, -13.04, -2.156, -12.1,
    -11.19, 2.902, -8.22, -11.79, -8.391, -4.505,
]
GABOR_Y = [
    -1.051, -0.02482, 0.8896, -0.4943, -0.9371, 0.4306,
    0.009577, -0.07944, 0.1624, -0.2682, -0.3129, 0.8303,
    -0.02365, 0.5098, -0.2777, 0.3367, 0.1927, -0.2222,
    0.06352, 0.006888, 0.03224, 0.01091, -0.5706, -0.05258,
    -0.03666, 0.1709, -0.04805, 0.2008, -0.1904, 0.5952,
]
