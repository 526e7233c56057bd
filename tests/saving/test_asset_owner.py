"""Which object of the saving walk owns an ``assets/`` member: the deepest whose folder holds
it, found from the member's own folders (a file with many members and a model with many
layers must not cost members x layers)."""

from shenjing.saving.assets import _owner


class _NoIteration(set):
    def __iter__(self):
        raise AssertionError("the paths were scanned one by one")


PATHS = _NoIteration({"", "layers/text_vectorization", "layers/text_vectorization/_lookup_layer",
                      "layers/string_lookup"})


def test_deepest_folder_wins():
    assert _owner("assets/layers/text_vectorization/vocabulary.txt", PATHS) == "layers/text_vectorization"
    assert (_owner("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt", PATHS)
            == "layers/text_vectorization/_lookup_layer")
    assert _owner("assets/layers/string_lookup/sub/x.txt", PATHS) == "layers/string_lookup"
    assert _owner("assets/layers/string_lookupX/x.txt", PATHS) == ""
    assert _owner("assets/top.txt", PATHS) == ""


def test_no_owner_without_a_root_path():
    paths = {"layers/a"}
    assert _owner("assets/layers/b/x.txt", paths) is None
    assert _owner("assets/layers/a/x.txt", paths) == "layers/a"
