"""The legacy ``keras.preprocessing`` API: ``image.ImageDataGenerator``, its iterators and the
affine-transform functions (arrays in, arrays out; floor 7)."""
