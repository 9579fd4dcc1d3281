# Push a triangle into a running Meshport host and read it back, with nothing but cbor2.
import os, socket, struct, array
import cbor2

def request(sock, message):
    body = cbor2.dumps(message)
    sock.sendall(struct.pack(">I", len(body)) + body)          # u32 big-endian length, then CBOR
    size = struct.unpack(">I", sock.recv(4, socket.MSG_WAITALL))[0]
    reply = cbor2.loads(sock.recv(size, socket.MSG_WAITALL))
    if not reply["ok"]:
        raise RuntimeError(reply["error"]["code"] + ": " + reply["error"]["message"])
    return reply["result"]

port = int(os.environ.get("MESHPORT_PORT", "18830"))
with socket.create_connection(("127.0.0.1", port)) as sock:
    hello = request(sock, {"op": "hello", "id": 1, "version": 1, "client": "python"})
    positions = array.array("f", [0, 0, 0,  1, 0, 0,  0, 1, 0])  # float32, x y z per point
    if struct.pack("=f", 1.0) != struct.pack("<f", 1.0):
        positions.byteswap()                                      # typed arrays here are little-endian
    mesh = {"positions": cbor2.CBORTag(85, positions.tobytes()),  # tag 85: float32 little-endian
            "indices": [0, 1, 2]}                                 # a plain CBOR array works too
    put = request(sock, {"op": "put", "id": 2, "key": "geo/triangle", "codec": "mesh", "body": mesh})
    print("stored", put["key"], "version", put["version"], put["summary"])
    got = request(sock, {"op": "get", "id": 3, "key": "geo/triangle"})
    back = array.array("f", got["body"]["positions"].value)
    print("read back", list(back), "indices", list(array.array("I", got["body"]["indices"].value)))
