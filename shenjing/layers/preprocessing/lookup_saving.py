"""How the lookup layers are saved, as Keras 3 saves them: TF-IDF weights as the variable
``idf_weights``; an adapted vocabulary as the asset ``vocabulary.txt`` (one token per line,
the special tokens first), a given one in the config."""

import os

import numpy as np

from .lookup_state import vocabulary_file_lines


class LookupSaving:
    """``save_own_variables``/``load_own_variables`` and ``save_assets``/``load_assets`` of
    ``IndexLookup`` (Keras's ``index_lookup.py`` contract)."""

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.array(self.idf_weights, dtype=np.float32)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            weights = np.asarray(store["idf_weights"])
            if weights.ndim != 1:
                raise ValueError(f"layer '{self.name}': idf_weights must be 1-D; found shape "
                                 f"{weights.shape} at '{getattr(store, 'path', '')}'")
            self.idf_weights = weights.astype(np.float32)

    def save_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return  # the vocabulary is in the config
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        path = None if dir_path is None else os.path.join(dir_path, "vocabulary.txt")
        if path is None or not os.path.isfile(path):
            raise ValueError(f"layer '{self.name}': the file has no vocabulary.txt asset for it")
        values = vocabulary_file_lines(path, self.vocabulary_dtype, asset=True)
        if not values:
            return  # saved before adapt: nothing to restore
        weights = None
        if self.output_mode == "tf_idf":   # saved padded to max_tokens with pad_to_max_tokens
            weights = None if self.idf_weights is None else self.idf_weights[:len(values)]
        self.set_vocabulary(values, idf_weights=weights)
