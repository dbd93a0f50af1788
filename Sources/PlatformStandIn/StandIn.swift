// The platform stand-in: see docs/api/platform.yaml.
