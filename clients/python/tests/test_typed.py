"""Typed arrays: every RFC 8746 tag the client reads, what it writes, and the range checks, with NumPy
and without it."""
import array
import struct
import unittest

from support import without_numpy

import cbor2

from meshport import _mesh, _typed

STRUCT = {"u1": "B", "i1": "b", "u2": "H", "i2": "h", "u4": "I", "i4": "i", "u8": "Q", "i8": "q",
          "f2": "e", "f4": "f", "f8": "d"}


def encoded(tag, values):
    """``values`` as the bytes of typed-array ``tag``, written with struct (independent of the client)."""
    dtype, _, little = _typed.TAGS[tag]
    return struct.pack(("<" if little else ">") + STRUCT[dtype.lstrip("<>")] * len(values), *values)


def sample(tag):
    dtype = _typed.TAGS[tag][0].lstrip("<>")
    if dtype[0] == "f":
        return [1.5, -2.25, 0.0, 1024.0]
    bits = 8 * int(dtype[1])
    if dtype[0] == "u":
        return [0, 1, 200, (1 << bits) - 1]
    return [0, -1, 100, -(1 << (bits - 1))]


def values(a):
    return [v.item() if hasattr(v, "item") else v for v in a]


class ReadingTest(unittest.TestCase):

    def test_every_tag_comes_back_as_its_values_and_type(self):
        numpy = _typed.numpy
        if numpy is None:
            self.skipTest("needs NumPy (the test without NumPy is below)")
        for tag, (dtype, _, little) in sorted(_typed.TAGS.items()):
            with self.subTest(tag=tag, dtype=dtype):
                a = _typed.untyped(cbor2.CBORTag(tag, encoded(tag, sample(tag))))
                self.assertIsInstance(a, numpy.ndarray)
                self.assertEqual(numpy.dtype(dtype), a.dtype)
                self.assertEqual(sample(tag), values(a))

    @without_numpy
    def test_every_tag_without_numpy_is_an_array_array_except_half_floats(self):
        for tag, (dtype, code, _) in sorted(_typed.TAGS.items()):
            with self.subTest(tag=tag, dtype=dtype):
                tagged = cbor2.CBORTag(tag, encoded(tag, sample(tag)))
                if code is None:
                    with self.assertRaisesRegex(ValueError, "half-precision typed arrays need NumPy"):
                        _typed.untyped(tagged)
                    continue
                a = _typed.untyped(tagged)
                self.assertIsInstance(a, array.array)
                self.assertEqual(code, a.typecode)
                self.assertEqual(sample(tag), list(a))

    def test_other_values_pass_as_they_are_and_plain_recurses(self):
        self.assertEqual("text", _typed.untyped("text"))
        odd = cbor2.CBORTag(85, "not bytes")
        self.assertIs(odd, _typed.untyped(odd))
        self.assertEqual(cbor2.CBORTag(1, 5), _typed.untyped(cbor2.CBORTag(1, 5)))
        got = _typed.plain({"a": [cbor2.CBORTag(70, encoded(70, [1, 2]))], "b": {"c": cbor2.CBORTag(85, encoded(85, [0.5]))}, "d": 3})
        self.assertEqual([1, 2], values(got["a"][0]))
        self.assertEqual([0.5], values(got["b"]["c"]))
        self.assertEqual(3, got["d"])

    def test_shaped_makes_rows_of_numpy_arrays_only(self):
        flat = _typed.untyped(cbor2.CBORTag(85, encoded(85, [0, 1, 2, 3, 4, 5])))
        rows = _typed.shaped(flat, 3)
        if _typed.numpy is None:
            self.assertIs(flat, rows)
        else:
            self.assertEqual((2, 3), rows.shape)
        self.assertIs(flat, _typed.shaped(flat, 1))


class WritingTest(unittest.TestCase):

    def check_writes(self):
        cases = [
            ([0, 0, 0, 1, 0, 0, 0, 1, 0], "<f4", 85, [0, 0, 0, 1, 0, 0, 0, 1, 0]),
            ([0.5, -1.25], "<f4", 85, [0.5, -1.25]),
            (array.array("f", [1, 2, 3]), "<f4", 85, [1, 2, 3]),
            ([0, 1, 4294967295], "<u4", 70, [0, 1, 4294967295]),
            ([0, 1.0, 2.0], "<u4", 70, [0, 1, 2]),
            (array.array("I", [5, 6]), "<u4", 70, [5, 6]),
            ([-2147483648, 2147483647, True], "<i4", 78, [-2147483648, 2147483647, 1]),
            ([], "<u4", 70, []),
        ]
        for given, dtype, tag, want in cases:
            with self.subTest(given=given, dtype=dtype):
                t = _typed.typed(given, dtype, tag)
                self.assertEqual(tag, t.tag)
                self.assertEqual(encoded(tag, want), t.value)

    def test_writes_lists_and_arrays_as_little_endian_typed_arrays(self):
        self.check_writes()

    @without_numpy
    def test_writes_the_same_without_numpy(self):
        self.check_writes()
        self.assertEqual(encoded(78, [3, 4]), _typed.typed((v for v in [3, 4]), "<i4", 78).value)
        self.assertEqual(encoded(70, [3, 4]), _typed.typed((v for v in [3.0, 4]), "<u4", 70).value)

    def test_numpy_arrays_of_any_shape_and_type_are_converted(self):
        numpy = _typed.numpy
        if numpy is None:
            self.skipTest("needs NumPy")
        p = numpy.arange(12, dtype=numpy.float64).reshape(4, 3)
        self.assertEqual(encoded(85, list(range(12))), _typed.typed(p, "<f4", 85).value)
        self.assertEqual(encoded(70, [1, 2]), _typed.typed(numpy.array([1, 2], dtype=numpy.int64), "<u4", 70).value)
        self.assertEqual(encoded(70, [1, 2]), _typed.typed(numpy.array([1.0, 2.0]), "<u4", 70).value)
        self.assertEqual(encoded(78, [1, 0]), _typed.typed(numpy.array([True, False]), "<i4", 78).value)
        big = numpy.array([1, 2], dtype=">u4")
        self.assertEqual(encoded(70, [1, 2]), _typed.typed(big, "<u4", 70).value)
        with self.assertRaisesRegex(ValueError, r"^indices must hold integers, not <U1"):
            _typed.typed(numpy.array(["a"]), "<u4", 70, "indices")

    def check_range_errors(self):
        cases = [
            ([0, 1, -1], "<u4", 70, "indices", "indices[2] is -1, outside uint32's range 0..4294967295"),
            ([0, 4294967296], "<u4", 70, "indices", "indices[1] is 4294967296, outside uint32's range 0..4294967295"),
            ([0.0, 1.5, 2.0], "<u4", 70, "indices", "indices[1] is 1.5, not an integer"),
            ([1, float("nan")], "<u4", 70, "face_counts", "face_counts[1] is nan, not an integer"),
            ([float("inf")], "<i4", 78, "attributes['id']", "attributes['id'][0] is inf, not an integer"),
            ([2147483648], "<i4", 78, "attributes['id']", "attributes['id'][0] is 2147483648, outside int32's range"),
            ([-2147483649], "<i4", 78, "a", "a[0] is -2147483649, outside int32's range -2147483648..2147483647"),
        ]
        for given, dtype, tag, what, said in cases:
            with self.subTest(given=given):
                with self.assertRaises(ValueError) as e:
                    _typed.typed(given, dtype, tag, what)
                self.assertTrue(str(e.exception).startswith(said), str(e.exception))

    def test_integers_that_do_not_fit_or_fractions_are_refused_not_wrapped(self):
        self.check_range_errors()

    @without_numpy
    def test_integers_that_do_not_fit_or_fractions_are_refused_without_numpy_too(self):
        self.check_range_errors()
        with self.assertRaisesRegex(ValueError, "^indices must hold integers, not str"):
            _typed.typed(["a"], "<u4", 70, "indices")

    def test_numpy_values_out_of_range_are_refused(self):
        numpy = _typed.numpy
        if numpy is None:
            self.skipTest("needs NumPy")
        with self.assertRaisesRegex(ValueError, r"^attributes\['id'\]\[0\] is 3000000000, outside int32's range"):
            _mesh.attribute("id", ("point", 1, numpy.array([3000000000, 0], dtype=numpy.uint32)))
        with self.assertRaisesRegex(ValueError, r"^indices\[1\] is -5, outside uint32's range"):
            _mesh.mesh_body([0, 0, 0], numpy.array([0, -5], dtype=numpy.int8))


class MeshTest(unittest.TestCase):

    def check_body(self):
        body = _mesh.mesh_body([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0], [0, 1, 3, 2], face_counts=[4], name="quad",
                               attributes={"id": ("point", 1, [7, 8, 9, 10]),
                                           "w": {"owner": "vertex", "data": [0.5, 1, 1, 1]},
                                           "Cd": ("point", 3, array.array("f", [0.5] * 12)),
                                           "n": ("face", 1, array.array("h", [3]))})
        self.assertEqual(["positions", "indices", "faceCounts", "attributes", "name"], list(body))
        self.assertEqual(85, body["positions"].tag)
        self.assertEqual(encoded(70, [0, 1, 3, 2]), body["indices"].value)
        self.assertEqual(encoded(70, [4]), body["faceCounts"].value)
        a = body["attributes"]
        self.assertEqual({"owner": "point", "size": 1, "type": "int", "data": cbor2.CBORTag(78, encoded(78, [7, 8, 9, 10]))}, a["id"])
        self.assertEqual({"owner": "vertex", "size": 1, "type": "float", "data": cbor2.CBORTag(85, encoded(85, [0.5, 1, 1, 1]))}, a["w"])
        self.assertEqual(("float", 3), (a["Cd"]["type"], a["Cd"]["size"]))
        self.assertEqual(("int", cbor2.CBORTag(78, encoded(78, [3]))), (a["n"]["type"], a["n"]["data"]))
        self.assertEqual({"positions"}, set(_mesh.mesh_body([0, 0, 0])))
        self.assertEqual({"base": 4, "positions": cbor2.CBORTag(85, encoded(85, [1, 2, 3]))}, _mesh.positions_update(4, [1, 2, 3]))

    def test_a_mesh_body_types_its_arrays_and_keeps_int_attributes_int(self):
        self.check_body()

    @without_numpy
    def test_a_mesh_body_without_numpy(self):
        self.check_body()

    def test_mesh_of_shapes_positions_and_attributes_and_adds_the_version(self):
        entry = {"key": "k", "version": 9, "codec": "mesh", "body": {
            "positions": _typed.untyped(cbor2.CBORTag(85, encoded(85, [0, 1, 2, 3, 4, 5]))),
            "attributes": {"Cd": {"owner": "point", "size": 3, "data": _typed.untyped(cbor2.CBORTag(85, encoded(85, [0] * 6)))}}}}
        m = _mesh.mesh_of(entry)
        self.assertEqual(9, m["version"])
        if _typed.numpy is not None:
            self.assertEqual((2, 3), m["positions"].shape)
            self.assertEqual((2, 3), m["attributes"]["Cd"]["data"].shape)
        else:
            self.assertEqual(6, len(m["positions"]))
        self.assertNotIn("version", _mesh.mesh_of(entry["body"]))


if __name__ == "__main__":
    unittest.main()
