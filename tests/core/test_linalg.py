"""mg.linalg beyond what the property tests see: the identities the factorizations
satisfy, the norms' meanings (NumPy's vs PyTorch's) and conventions at the
origin, derivatives at singular and repeated-eigenvalue points, the errors
and their messages, ``np.linalg.<name>(tensor)`` and the Tensor methods."""

from __future__ import annotations

import math

import numpy as np
import pytest
import random_matrices

import minigrad as mg

RNG = np.random.default_rng(7)
INF = math.inf


def square(*batch, n=3):
    return random_matrices.square(RNG, *batch, n=n)


def spd(*batch, n=3):
    return random_matrices.spd(RNG, *batch, n=n)


# ------------------------------------------------------------------ identities
def test_inv_times_a_is_the_identity():
    a = square(2)
    np.testing.assert_allclose((mg.linalg.inv(mg.tensor(a)) @ mg.tensor(a)).data,
                               np.broadcast_to(np.eye(3), a.shape), atol=1e-12)


def test_det_is_sign_times_exp_logabsdet():
    a = square(4)
    a[0] *= -1.0                      # a negative determinant in the batch
    sign, logabsdet = mg.linalg.slogdet(mg.tensor(a))
    np.testing.assert_allclose(mg.linalg.det(mg.tensor(a)).data,
                               sign.data * np.exp(logabsdet.data), rtol=1e-12)
    assert set(np.unique(sign.data)) <= {-1.0, 1.0}
    assert mg.slogdet(mg.tensor(a))._fields == ("sign", "logabsdet")
    logdet = mg.tensor(a).logdet().data               # torch.logdet: NaN for det < 0
    np.testing.assert_allclose(logdet[1:], logabsdet.data[1:], rtol=1e-12)
    assert np.isnan(logdet[0])


def test_solve_agrees_with_inv_for_vectors_matrices_and_batches():
    a = square(2)
    for b in (RNG.standard_normal(3), RNG.standard_normal((3, 2)),
              RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3, 4))):
        x = mg.linalg.solve(mg.tensor(a), mg.tensor(b)).data
        vector = b.ndim == 1 or b.shape == a.shape[:-1]
        expected = (np.linalg.inv(a) @ b[..., None])[..., 0] if vector else np.linalg.inv(a) @ b
        np.testing.assert_allclose(x, expected, rtol=1e-10, atol=1e-12)


def test_cholesky_is_lower_and_reconstructs_a():
    a = spd(2)
    low = mg.linalg.cholesky(mg.tensor(a)).data
    np.testing.assert_array_equal(low, np.tril(low))
    np.testing.assert_allclose(low @ np.swapaxes(low, -1, -2), a, rtol=1e-12)
    np.testing.assert_allclose(mg.cholesky(mg.tensor(a), upper=True).data,
                               np.swapaxes(low, -1, -2))


def test_eigh_reconstructs_a_with_orthonormal_vectors_and_ascending_values():
    a = spd(2, n=4)
    values, vectors = mg.linalg.eigh(mg.tensor(a))
    lam, v = values.data, vectors.data
    assert np.all(np.diff(lam, axis=-1) > 0)
    np.testing.assert_allclose(v @ (lam[..., None] * np.swapaxes(v, -1, -2)), a, rtol=1e-10)
    np.testing.assert_allclose(np.swapaxes(v, -1, -2) @ v, np.broadcast_to(np.eye(4), a.shape),
                               atol=1e-12)
    # The sign convention: sum_k v_k / (k + sqrt 2) > 0 for each vector.
    assert np.all(np.einsum("...kj,k->...j", v, 1 / (np.arange(4) + np.sqrt(2))) > 0)
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(a), rtol=1e-12)


@pytest.mark.parametrize("a", [np.diag([2.0, 5.0, 8.0]), np.array([[2.0, 1.0], [1.0, 2.0]]),
                               np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 2.0]])])
def test_eigh_of_textbook_matrices_passes_gradcheck(a):
    # Diagonal matrices (where LAPACK's signs jump) and eigenvectors with tied
    # entries such as (1, -1)/sqrt 2: the sign convention holds still under
    # the finite differences' perturbations.
    def f(x):
        values, vectors = mg.linalg.eigh((x + x.mT) / 2.0)
        return mg.cat([values, vectors.reshape(-1)])
    assert mg.gradcheck(f, (a,)) and mg.gradgradcheck(f, (a,))


def test_qr_reconstructs_a_with_orthonormal_q_and_positive_upper_r():
    a = RNG.standard_normal((2, 5, 3))
    q, r = mg.linalg.qr(mg.tensor(a))
    q, r = q.data, r.data
    assert q.shape == (2, 5, 3) and r.shape == (2, 3, 3)
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(3), (2, 3, 3)),
                               atol=1e-12)
    np.testing.assert_array_equal(r, np.triu(r))
    assert np.all(np.diagonal(r, axis1=-2, axis2=-1) > 0)


# ------------------------------------------------------------------ norms
@pytest.mark.parametrize("ord_", [None, 2, 1, INF, -INF, 0, 3, 0.5, -1])
def test_vector_norms_match_numpy(ord_):
    x = RNG.standard_normal(5)
    np.testing.assert_allclose(mg.linalg.norm(mg.tensor(x), ord_).data,
                               np.linalg.norm(x, ord_), rtol=1e-12)


@pytest.mark.parametrize("ord_", [None, "fro", "nuc", 2, -2, 1, -1, INF, -INF])
def test_matrix_norms_match_numpy(ord_):
    a = RNG.standard_normal((4, 3))
    np.testing.assert_allclose(mg.linalg.norm(mg.tensor(a), ord_).data,
                               np.linalg.norm(a, ord_), rtol=1e-10)


def test_norm_axis_keepdims_and_dim_keepdim_are_the_same():
    a = RNG.standard_normal((2, 3, 4))
    for kwargs_np, kwargs_mg in (({"axis": 1}, {"dim": 1}),
                                 ({"axis": (0, 2), "keepdims": True}, {"dim": (0, 2),
                                                                        "keepdim": True})):
        expected = np.linalg.norm(a, **kwargs_np)
        np.testing.assert_allclose(mg.linalg.norm(mg.tensor(a), **kwargs_np).data, expected)
        np.testing.assert_allclose(mg.linalg.norm(mg.tensor(a), **kwargs_mg).data, expected)
    with pytest.raises(TypeError, match="both axis=1"):
        mg.linalg.norm(mg.tensor(a), axis=1, dim=1)


def test_torch_norm_and_linalg_norm_mean_different_things_for_a_number_on_a_matrix():
    a = mg.tensor([[3.0, 0.0], [0.0, 4.0]])
    assert mg.norm(a, 2).item() == pytest.approx(5.0)         # torch.norm: the elements' 2-norm
    assert a.norm(2).item() == pytest.approx(5.0)
    assert mg.linalg.norm(a, 2).item() == pytest.approx(4.0)  # the spectral norm
    assert np.linalg.norm(a, 2).item() == pytest.approx(4.0)  # NumPy's meaning, on tensors too
    assert a.norm(1, dim=0).data.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("norm", [
    lambda t: mg.linalg.vector_norm(t), lambda t: mg.linalg.vector_norm(t, 1),
    lambda t: mg.linalg.vector_norm(t, INF), lambda t: mg.linalg.vector_norm(t, 3),
    lambda t: mg.linalg.matrix_norm(t), lambda t: mg.linalg.norm(t), lambda t: t.norm(),
    lambda t: mg.linalg.vector_norm(t, dim=1)])
def test_the_gradient_at_the_origin_is_zero_as_in_pytorch(norm):
    t = mg.zeros((2, 3), requires_grad=True)
    out = norm(t)
    assert np.all(out.data == 0)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, np.zeros((2, 3)))
    (first,) = mg.autograd.grad(norm(t).sum(), [t], create_graph=True)
    assert np.all(np.isfinite(first.data))


def test_norm_gradient_is_x_over_its_norm_away_from_the_origin():
    x = mg.tensor([3.0, -4.0], requires_grad=True)
    mg.linalg.norm(x).backward()
    np.testing.assert_allclose(x.grad, [0.6, -0.8])


def test_inf_norm_shares_the_gradient_among_ties():
    x = mg.tensor([-2.0, 2.0, 1.0], requires_grad=True)
    mg.linalg.vector_norm(x, INF).backward()
    np.testing.assert_allclose(x.grad, [-0.5, 0.5, 0.0])


# ------------------------------------------------- singular and repeated spectra
def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]])
    t = mg.tensor(a, requires_grad=True)
    d = mg.det(t)
    d.backward()
    assert d.item() == 0.0
    np.testing.assert_allclose(t.grad, [[14.0, -1.0, -4.0], [-7.0, 0.5, 2.0], [0, 0, 0]],
                               atol=1e-12)
    assert mg.gradcheck(mg.det, (a,)) and mg.gradgradcheck(mg.det, (a,))
    assert mg.gradgradcheck(mg.det, (np.zeros((2, 3, 3)),))   # rank 0: cofactors of minors


def test_slogdet_of_a_singular_matrix_is_minus_inf_and_its_backward_says_why():
    t = mg.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    sign, logabsdet = mg.linalg.slogdet(t)
    assert sign.item() == 0.0 and logabsdet.item() == -INF
    with pytest.raises(mg.linalg.LinAlgError, match="singular"):
        logabsdet.backward()


def test_eigenvalue_gradients_stay_exact_at_repeated_eigenvalues():
    t = mg.tensor(2.0 * np.eye(3), requires_grad=True)
    (mg.linalg.eigvalsh(t) * mg.tensor([1.0, 1.0, 1.0])).sum().backward()   # the trace
    np.testing.assert_allclose(t.grad, np.eye(3), atol=1e-12)
    s = mg.tensor(np.eye(3), requires_grad=True)
    mg.linalg.matrix_norm(s, "nuc").backward()
    np.testing.assert_allclose(s.grad, np.eye(3), atol=1e-12)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("fn", [mg.linalg.inv, mg.linalg.det, mg.linalg.slogdet,
                                mg.linalg.cholesky, mg.linalg.eigh])
def test_a_non_square_matrix_is_a_shape_error_naming_the_shape(fn):
    with pytest.raises(mg.ShapeError, match=r"square matrices.*\(2, 3\)"):
        fn(mg.tensor(np.ones((2, 3))))
    with pytest.raises(mg.ShapeError, match=r"\(3,\)"):
        fn(mg.tensor(np.ones(3)))


@pytest.mark.parametrize("fn", [mg.linalg.inv, lambda a: mg.linalg.solve(a, mg.ones(2))])
def test_a_singular_matrix_is_a_linalg_error(fn):
    with pytest.raises(mg.linalg.LinAlgError, match=r"singular") as info:
        fn(mg.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert isinstance(info.value, ValueError) and "(2, 2)" in str(info.value)


def test_cholesky_and_eigh_refuse_matrices_that_are_not_symmetric_or_not_definite():
    with pytest.raises(mg.linalg.LinAlgError, match="not positive definite"):
        mg.linalg.cholesky(mg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    for fn in (mg.linalg.cholesky, mg.linalg.eigh, mg.linalg.eigvalsh):
        with pytest.raises(mg.linalg.LinAlgError, match=r"not symmetric.*\(A \+ A.mT\) / 2"):
            fn(mg.tensor([[2.0, 1.0], [0.0, 2.0]]))


def test_other_bad_calls_say_what_to_do():
    with pytest.raises(mg.DTypeError, match="floating-point.*int64"):
        mg.linalg.inv(mg.tensor([[1, 0], [0, 1]]))
    with pytest.raises(mg.ShapeError, match=r"m >= n.*\(2, 3\)"):
        mg.linalg.qr(mg.tensor(np.ones((2, 3))))
    with pytest.raises(mg.ShapeError, match=r"needs B of shape.*\(4,\)"):
        mg.linalg.solve(mg.tensor(np.eye(3)), mg.ones(4))
    with pytest.raises(mg.linalg.LinAlgError, match="ord must be"):
        mg.linalg.matrix_norm(mg.tensor(np.eye(3)), 3)
    with pytest.raises(mg.linalg.LinAlgError, match="matrix_norm"):
        mg.linalg.vector_norm(mg.ones(3), "fro")
    with pytest.raises(mg.ShapeError, match="1-D or 2-D"):
        mg.linalg.norm(mg.ones((2, 2, 2)), 2)


# ------------------------------------------------------------------ np.linalg on tensors
def test_numpy_linalg_functions_run_in_the_graph():
    assert np.linalg.inv.__name__ == "inv" and np.linalg.norm.__name__ == "norm"
    a, s = square(), spd()
    ta = mg.tensor(a, requires_grad=True)
    ts = mg.tensor(s, requires_grad=True)
    calls = {
        "inv": (np.linalg.inv(ta), np.linalg.inv(a)),
        "det": (np.linalg.det(ta), np.linalg.det(a)),
        "slogdet": (np.linalg.slogdet(ta)[1], np.linalg.slogdet(a)[1]),
        "solve": (np.linalg.solve(ta, mg.tensor(a[0])), np.linalg.solve(a, a[0])),
        "cholesky": (np.linalg.cholesky(ts), np.linalg.cholesky(s)),
        "eigh": (np.linalg.eigh(ts)[0], np.linalg.eigh(s)[0]),
        "eigvalsh": (np.linalg.eigvalsh(ts), np.linalg.eigvalsh(s)),
        "qr": (np.linalg.qr(ta)[0] @ np.linalg.qr(ta)[1], a),
        "norm": (np.linalg.norm(ta, 2), np.linalg.norm(a, 2)),
        "vector_norm": (np.linalg.vector_norm(ta, ord=1, axis=0),
                        np.linalg.vector_norm(a, ord=1, axis=0)),
        "matrix_norm": (np.linalg.matrix_norm(ta, ord="nuc"),
                        np.linalg.matrix_norm(a, ord="nuc")),
        "svdvals": (np.linalg.svdvals(ta), np.linalg.svdvals(a)),
    }
    for name, (ours, expected) in calls.items():
        assert isinstance(ours, mg.Tensor) and ours.requires_grad, name
        np.testing.assert_allclose(ours.data, expected, rtol=1e-10, err_msg=name)
        ours.sum().backward()


def test_numpy_solve_keeps_numpys_rule_for_batched_right_hand_sides():
    a = square(3)                     # (3, 3, 3): b of shape (3, 3) is ambiguous
    b = RNG.standard_normal((3, 3))
    np.testing.assert_allclose(np.linalg.solve(mg.tensor(a), mg.tensor(b)).data,
                               np.linalg.solve(a, b), rtol=1e-10)      # matrices (NumPy 2)
    np.testing.assert_allclose(mg.linalg.solve(mg.tensor(a), mg.tensor(b)).data,
                               np.linalg.solve(a, b[..., None])[..., 0], rtol=1e-10)  # vectors


# ------------------------------------------------------------------ names and methods
def test_pytorch_top_level_names_and_tensor_methods():
    a = square()
    t = mg.tensor(a)
    np.testing.assert_allclose(t.det().data, np.linalg.det(a))
    np.testing.assert_allclose(t.inverse().data, np.linalg.inv(a))
    np.testing.assert_allclose(mg.inverse(t).data, np.linalg.inv(a))
    np.testing.assert_allclose(t.slogdet().logabsdet.data, np.linalg.slogdet(a)[1])
    s = mg.tensor(spd())
    np.testing.assert_allclose(s.cholesky().data, np.linalg.cholesky(s.data))
    q, r = t.qr()
    np.testing.assert_allclose((q @ r).data, a, atol=1e-12)
    assert mg.qr(t).R.shape == (3, 3)
    assert not hasattr(mg, "inv") and not hasattr(mg, "eigh") and not hasattr(mg, "solve")
    assert mg.linalg.det is mg.det


def test_float32_stays_float32():
    a = mg.tensor(spd().astype(np.float32), requires_grad=True)
    for out in (mg.linalg.inv(a), mg.linalg.det(a), mg.linalg.cholesky(a),
                mg.linalg.eigh(a).eigenvectors, mg.linalg.qr(a).R, mg.linalg.norm(a, "nuc"),
                mg.linalg.solve(a, mg.ones(3, dtype=mg.float32))):
        assert out.dtype == np.float32
        a.zero_grad()
        out.sum().backward()
        assert a.grad.dtype == np.float32
