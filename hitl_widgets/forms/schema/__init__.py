"""JSON Schema handling: `$ref` resolution, schema → fields, inference, validation."""
