"""JSON Schema → fields: one table from schema shape to field class.

Order matters and follows what the keywords mean: `const` before `enum` before unions
before `type`. Recursive models are bounded twice: unions, nullable and optional parts
build lazily, and a `$ref` met more than `MAX_REF_DEPTH` times on one path becomes a JSON
editor instead of another level of widgets.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hitl_widgets.forms.fields.base import MISSING, ChildBuilder, Field, FormContext, Loc
from hitl_widgets.forms.fields.containers import ArrayField, MappingField, ObjectField
from hitl_widgets.forms.fields.dates import DateField
from hitl_widgets.forms.fields.json_editor import JsonField
from hitl_widgets.forms.fields.scalars import (
    BooleanField,
    ChoiceField,
    ConstField,
    IntegerField,
    NumberField,
    StringField,
)
from hitl_widgets.forms.fields.unions import ToggleField, UnionField, Variant
from hitl_widgets.forms.schema.infer import schema_from_value
from hitl_widgets.forms.schema.refs import merge_all_of, resolve
from hitl_widgets.forms.schema.validate import make_validator

MAX_REF_DEPTH = 3
"""How many times one `$ref` may repeat along a path before the rest is edited as JSON."""

_SCALARS: dict[str, Callable[..., Field]] = {
    "string": StringField, "integer": IntegerField, "number": NumberField,
    "boolean": BooleanField}


def _is_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or (schema.get("const", MISSING) is None and len(
        [k for k in schema if k not in ("title", "description")]) == 1)


class SchemaBuilder:
    """Builds fields for the sub-schemas of one root schema (which holds the `$defs`)."""

    def __init__(self, root: dict[str, Any], ctx: FormContext) -> None:
        self.root = root
        self.ctx = ctx
        self.validator = make_validator(root)

    def matches(self, schema: dict[str, Any], value: Any) -> bool:
        """True when `value` is valid against `schema` (refs resolved against the root)."""
        return bool(self.validator.evolve(schema=schema).is_valid(value))

    def child_builder(self, refs: tuple[str, ...]) -> ChildBuilder:
        """A builder for children of a field reached through `refs`."""

        def build(schema: dict[str, Any], loc: Loc, *, title: str, required: bool = False,
                  default: Any = MISSING) -> Field:
            return self.build(schema, loc, title=title, required=required, default=default,
                              refs=refs)

        return build

    def build(self, schema: dict[str, Any] | bool, loc: Loc, *, title: str,
              required: bool = False, default: Any = MISSING,
              refs: tuple[str, ...] = ()) -> Field:
        """The field for `schema` at `loc`, filled with `default` (else the schema's own)."""
        if schema is True or not isinstance(schema, dict):
            schema = {}
        raw_title = schema.get("title")
        schema, ref = resolve(self.root, schema)
        schema = merge_all_of(self.root, schema)
        if ref is not None:
            if refs.count(ref) >= MAX_REF_DEPTH:
                return JsonField(self.ctx, loc, title=title or raw_title or "", default=default,
                                 help_text="(nested too deep for a form: edit as JSON)",
                                 required=required, schema=schema)
            refs = (*refs, ref)
        if default is MISSING and "default" in schema:
            default = copy.deepcopy(schema["default"])
        if not _constrains(schema) and default is not MISSING and default is not None:
            # "Any" with a value in it (a tool's untyped args): typed fields for that value.
            inferred = schema_from_value(default)
            if inferred:
                schema = {**inferred, **{k: v for k, v in schema.items()
                                         if k in ("title", "description")}}
        kw: dict[str, Any] = {"title": title, "help_text": schema.get("description"),
                              "required": required, "schema": schema}

        if "const" in schema:
            return ConstField(self.ctx, loc, const=schema["const"], **kw)
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            options = list(schema["enum"])
            if None in options and default is MISSING:
                default = None
            return ChoiceField(self.ctx, loc, options=options, default=default, **kw)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._union(schema, key, loc, kw, default, refs)

        types = schema.get("type")
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            single = {**schema, "type": rest[0] if len(rest) == 1 else rest}
            if "null" in types and rest:
                return self._nullable(single, loc, kw, default, refs)
            if len(rest) > 1:
                variants = [{**schema, "type": t} for t in rest]
                return self._union({**schema, "anyOf": variants}, "anyOf", loc, kw, default,
                                   refs)
            types = rest[0] if rest else "null"
        if types == "null":
            return ConstField(self.ctx, loc, const=None, **kw)
        if types == "object" or (types is None and "properties" in schema):
            return self._object(schema, loc, kw, default, refs)
        if types == "array":
            return self._array(schema, loc, kw, default, refs)
        if types == "string" and schema.get("format") == "date":
            return DateField(self.ctx, loc, default=default, **kw)
        if isinstance(types, str) and types in _SCALARS:
            return _SCALARS[types](self.ctx, loc, default=default, **kw)
        return JsonField(self.ctx, loc, default=default, **kw)

    def _nullable(self, schema: dict[str, Any], loc: Loc, kw: dict[str, Any], default: Any,
                  refs: tuple[str, ...]) -> Field:
        if default is MISSING:
            default = None

        def inner(at: Loc) -> Field:
            return self.build(schema, at, title="", refs=refs)

        return ToggleField(self.ctx, loc, mode="nullable", build=inner, default=default, **kw)

    def _union(self, schema: dict[str, Any], key: str, loc: Loc, kw: dict[str, Any],
               default: Any, refs: tuple[str, ...]) -> Field:
        branches = [b if isinstance(b, dict) else {} for b in schema[key]]
        resolved = [merge_all_of(self.root, resolve(self.root, b)[0]) for b in branches]
        keep = [(b, r) for b, r in zip(branches, resolved, strict=True) if not _is_null(r)]
        # Keywords beside anyOf (title, description, default) belong to the field, not a branch.
        outer = {k: v for k, v in schema.items() if k not in (key, "discriminator", "default")}
        if len(keep) < len(branches) and keep:
            rest = {**outer, key: [b for b, _ in keep]} if len(keep) > 1 else {
                **{k: v for k, v in outer.items() if k in ("title", "description")},
                **keep[0][0]}
            return self._nullable(rest, loc, kw, default, refs)
        tag_key = _tag_key(schema, [r for _, r in keep])
        variants: list[Variant] = []
        for i, (b, r) in enumerate(keep):
            tag = _tag_of(r, tag_key)
            # A tag is an API value ("approve"); the selector shows it as a word ("Approve").
            label = _humane(str(tag)) if tag is not MISSING else str(
                r.get("title") or r.get("type") or f"Option {i + 1}")
            variants.append((label, b, tag))

        def build_variant(sub: dict[str, Any], at: Loc, value: Any) -> Field:
            return self.build(sub, at, title="", default=value, refs=refs)

        return UnionField(self.ctx, loc, variants=variants, build=build_variant,
                          matches=self.matches, tag_key=tag_key, default=default, **kw)

    def _object(self, schema: dict[str, Any], loc: Loc, kw: dict[str, Any], default: Any,
                refs: tuple[str, ...]) -> Field:
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        build = self.child_builder(refs)
        if not props and extra is not False:
            value_schema = extra if isinstance(extra, dict) else {}
            return MappingField(self.ctx, loc, value_schema=value_schema, build=build,
                                default=default, **kw)
        required = set(schema.get("required") or [])
        properties = [(key, sub if isinstance(sub, dict) else {}, key in required,
                       str((sub.get("title") if isinstance(sub, dict) else None) or key))
                      for key, sub in props.items()]
        return ObjectField(self.ctx, loc, properties=properties, build=build,
                           extra=extra if isinstance(extra, dict | bool) else True,
                           default=default, **kw)

    def _array(self, schema: dict[str, Any], loc: Loc, kw: dict[str, Any], default: Any,
               refs: tuple[str, ...]) -> Field:
        items = schema.get("items", {})
        prefix = schema.get("prefixItems")
        return ArrayField(self.ctx, loc, items=None if items is False else (
            items if isinstance(items, dict) else {}), prefix=prefix if isinstance(
            prefix, list) else None, build=self.child_builder(refs), default=default, **kw)


_ANNOTATIONS = {"title", "description", "default", "examples", "$comment", "deprecated",
                "readOnly", "writeOnly", "$schema", "$id", "$defs", "definitions"}


def _constrains(schema: dict[str, Any]) -> bool:
    """False for `{}` and annotation-only schemas, which accept any value."""
    return any(k not in _ANNOTATIONS for k in schema)


def _humane(tag: str) -> str:
    text = tag.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else tag


def _tag_of(schema: dict[str, Any], tag_key: str | None) -> Any:
    if tag_key is None:
        return MISSING
    prop = (schema.get("properties") or {}).get(tag_key)
    if not isinstance(prop, dict):
        return MISSING
    if "const" in prop:
        return prop["const"]
    enum = prop.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else MISSING


def _tag_key(schema: dict[str, Any], variants: list[dict[str, Any]]) -> str | None:
    """The discriminator property: the declared one, or one every variant pins to a const."""
    declared = schema.get("discriminator")
    if isinstance(declared, dict) and isinstance(declared.get("propertyName"), str):
        return str(declared["propertyName"])
    if len(variants) < 2:
        return None
    first = variants[0].get("properties") or {}
    for key in first:
        tags = [_tag_of(v, key) for v in variants]
        if all(t is not MISSING for t in tags) and len({repr(t) for t in tags}) == len(tags):
            return str(key)
    return None
