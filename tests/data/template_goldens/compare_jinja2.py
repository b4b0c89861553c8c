#!/usr/bin/env python3
"""Renders every case of goldens.json with Python's Jinja2 (Debian's python3-jinja2), set up as
transformers sets it up (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
loopcontrols, its tojson, raise_exception, strftime_now at the goldens' clock), and prints each
case where Jinja2 and @huggingface/jinja disagree. Not a test: it shows where the two
references differ (README.md lists what it found).

    /usr/bin/python3 tests/data/template_goldens/compare_jinja2.py
"""
import datetime
import json
import os

from jinja2 import exceptions
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "../../.."))


def raise_exception(message):
    raise exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    goldens = json.load(open(os.path.join(HERE, "goldens.json"), encoding="utf-8"))
    snippets = json.load(open(os.path.join(HERE, "snippets.json"), encoding="utf-8"))
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda f: datetime.datetime(2026, 7, 26, 10, 30).strftime(f)
    differ = 0
    for case in goldens["cases"]:
        if case["template"] == "snippet":
            source = snippets["snippets"][int(case["conversation"][len("snippet_"):])]
        elif case["path"].endswith(".jinja"):
            source = open(os.path.join(ROOT, case["path"]), encoding="utf-8").read()
        else:
            source = json.load(open(os.path.join(ROOT, case["path"]), encoding="utf-8"))["chat_template"]
        try:
            text, error = env.from_string(source).render(**case["variables"]), None
        except Exception as e:  # noqa: BLE001 - any failure is a difference to report
            text, error = None, str(e)
        reference = case.get("text")
        if reference == text or (reference is None and text is None):
            continue
        differ += 1
        print(f"{case['template']}/{case['conversation']} add_generation_prompt={case['variables'].get('add_generation_prompt')}")
        if error:
            print(f"    Jinja2 raises: {error}")
        elif reference is None:
            print(f"    the reference raises: {case['error']}")
        else:
            i = next((k for k in range(min(len(reference), len(text))) if reference[k] != text[k]), min(len(reference), len(text)))
            print(f"    reference: {reference[max(0, i - 30):i + 50]!r}")
            print(f"    Jinja2:    {text[max(0, i - 30):i + 50]!r}")
    print(f"{differ} of {len(goldens['cases'])} cases differ")


if __name__ == "__main__":
    main()
