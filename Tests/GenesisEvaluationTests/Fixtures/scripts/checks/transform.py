# A transform file (configuration/guide.md, "Transforming outputs"): get_transform by default.
def get_transform(output, context):
    return output.strip().lower() + " (" + context["vars"]["topic"] + ")"
