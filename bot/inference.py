"""Faster NLU inference with the same results: two per-message costs that never change an answer.

Profiling the Rasa server under load (py-spy, see benchmarks/RESULTS.md) found, per message:
- 8% in scipy's `hstack`, which Rasa calls to join each featurizer's sparse features
  (regex, lexical, two count vectorizers; sequence and sentence): scipy's general block
  builder checks and converts every block. Two COO matrices side by side are just their
  entries with the right one's columns shifted; `combine_sparse` builds exactly that.
- 10% in TensorFlow re-checking DIET's inputs against the prediction function's signature
  (nest flattening, casting, type canonicalisation) before looking up the one graph it has
  traced. `predict_with_traced_graph` looks that graph up once per model and calls it with
  the batch's arrays as tensors of the signature's dtypes.

Both are applied by `bot.server` when the server runs; training and `rasa test` run stock
Rasa. tests/nlu/test_inference.py checks that the trained model's parses are identical.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Tuple

import numpy as np
import scipy.sparse
import tensorflow as tf
from keras.utils import tf_utils
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow.models import RasaModel

_ORIGINAL_COMBINE = Features._combine_sparse_features
_ORIGINAL_PREDICT = RasaModel._rasa_predict
# model -> (its traced prediction graph, the dtype of each input): one entry per loaded model.
_TRACED: weakref.WeakKeyDictionary[RasaModel, Tuple[Any, List[tf.DType]]] = (
    weakref.WeakKeyDictionary()
)


def combine_sparse(self: Features, additional: Features) -> None:
    """Rasa's `_combine_sparse_features` for two COO matrices, without scipy's block builder.

    Same entries in the same order, shape, dtype and COO type as `scipy.sparse.hstack`;
    anything else (another sparse format, mismatched rows) goes to Rasa's own method.
    """
    left, right = self.features, additional.features
    both_coo = scipy.sparse.isspmatrix_coo(left) and scipy.sparse.isspmatrix_coo(right)
    if not both_coo or left.shape[0] != right.shape[0]:
        return _ORIGINAL_COMBINE(self, additional)
    dtype = np.result_type(left.dtype, right.dtype)
    data = np.concatenate((left.data, right.data)).astype(dtype, copy=False)
    rows = np.concatenate((left.row, right.row))
    cols = np.concatenate((left.col, right.col + left.shape[1]))
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    self.features = scipy.sparse.coo_matrix((data, (rows, cols)), shape=shape)
    self._cached_fingerprint = None


def _traced_graph(model: RasaModel, batch_in: Tuple[np.ndarray, ...]) -> Tuple[Any, List[tf.DType]]:
    """The model's prediction graph, traced as Rasa traces it, and its input dtypes."""
    found = _TRACED.get(model)
    if found is None:
        signature = model._dynamic_signature(batch_in)
        if model._tf_predict_step is None:
            model._tf_predict_step = tf.function(model.predict_step, input_signature=signature)
        graph = model._tf_predict_step.get_concrete_function()
        found = (graph, [spec.dtype for spec in signature[0]])
        _TRACED[model] = found
    return found


def predict_with_traced_graph(self: RasaModel, batch_in: Tuple[np.ndarray, ...]) -> Dict[str, Any]:
    """Rasa's `_rasa_predict`, calling the traced graph without re-checking the signature.

    The signature is the first batch's (any length per dimension, the last fixed), so later
    batches of the same model fit it; a batch with another number of inputs, eager mode and
    a model not yet prepared for prediction take Rasa's own path.
    """
    if self._run_eagerly or not self.prepared_for_prediction:
        return _ORIGINAL_PREDICT(self, batch_in)
    graph, dtypes = _traced_graph(self, batch_in)
    if len(batch_in) != len(dtypes):
        return _ORIGINAL_PREDICT(self, batch_in)
    self._training = False
    inputs = [
        tf.convert_to_tensor(array, dtype=dtype)
        for array, dtype in zip(batch_in, dtypes, strict=True)
    ]
    outputs = tf_utils.sync_to_numpy_or_python_type(graph._call_flat(inputs, graph.captured_inputs))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def apply() -> None:
    Features._combine_sparse_features = combine_sparse
    RasaModel._rasa_predict = predict_with_traced_graph


def restore() -> None:
    """Rasa's own methods again (benchmarks/inference_bench.py alternates both)."""
    Features._combine_sparse_features = _ORIGINAL_COMBINE
    RasaModel._rasa_predict = _ORIGINAL_PREDICT
