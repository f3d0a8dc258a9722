#!/usr/bin/env python3
"""Checks NetDSL's ONNX exports with ONNX's own checker (Debian's python3-onnx 1.12), full check with shape inference.

Run by hand (the Java tests never need Python):
    mvn -o -q -pl dsl surefire:test -Dtest='OnnxExportTest' -Dnetdsl.onnx.keep=/tmp/onnx-check
    python3 dsl/src/test/python/onnx_check.py /tmp/onnx-check
Prints one line per file and exits non-zero if any file fails.
"""
import collections
import pathlib
import sys

import onnx


def main(root):
    files = sorted(pathlib.Path(root).glob("*.onnx"))
    if not files:
        sys.exit(f"no .onnx files in {root}")
    failed = 0
    ops = collections.Counter()
    for f in files:
        model = onnx.load(str(f))
        try:
            onnx.checker.check_model(model, full_check=True)
            status = "ok"
        except Exception as e:  # the checker's own message says what and where
            status = f"FAILED: {e}"
            failed += 1
        ops.update(n.op_type for n in model.graph.node)
        opset = ",".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
        print(f"{f.name}: IR {model.ir_version}, opset {opset}, {len(model.graph.node)} nodes,"
              f" {len(model.graph.initializer)} initializers: {status}")
    print("ops used:", ", ".join(sorted(ops)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/onnx-check")
