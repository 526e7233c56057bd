"""The legacy Keras ``keras.preprocessing`` family: ``ImageDataGenerator`` and its iterators."""
