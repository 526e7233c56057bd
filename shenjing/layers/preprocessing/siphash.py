"""SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash TensorFlow's
``to_hash_bucket_strong`` uses (highwayhash's ``SipHash``): Keras's ``Hashing(salt=[k0, k1])``
sends a string to ``siphash24((k0, k1), utf-8 bytes) % num_bins``. Python integers masked to
64 bits; the message is read as little-endian 64-bit words, the last one padded with zeros and
holding ``len(message) mod 256`` in its top byte."""

import struct

_MASK = (1 << 64) - 1


def _rotl(value, shift):
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def _rounds(v0, v1, v2, v3, count):
    for _ in range(count):
        v0 = (v0 + v1) & _MASK
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & _MASK
        v3 = _rotl(v3, 16) ^ v2
        v0 = (v0 + v3) & _MASK
        v3 = _rotl(v3, 21) ^ v0
        v2 = (v2 + v1) & _MASK
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(key, message):
    """The 64-bit SipHash-2-4 of the bytes ``message`` under ``key = (k0, k1)`` (two unsigned
    64-bit integers: the 16-byte key read as two little-endian words)."""
    k0, k1 = (int(k) & _MASK for k in key)
    message = bytes(message)
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    full = len(message) // 8 * 8
    last = message[full:] + bytes(7 - len(message) % 8) + bytes([len(message) & 0xFF])
    for word in struct.unpack(f"<{full // 8 + 1}Q", message[:full] + last):
        v3 ^= word
        v0, v1, v2, v3 = _rounds(v0, v1, v2, v3, 2)
        v0 ^= word
    v2 ^= 0xFF
    v0, v1, v2, v3 = _rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3
