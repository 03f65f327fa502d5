"""The base layer: helpers every app uses. It imports Django and the standard library, never an app."""
