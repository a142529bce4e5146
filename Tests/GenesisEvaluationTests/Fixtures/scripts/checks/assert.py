"""Python checks: get_assert is the default; others are named after a colon."""


def get_assert(output, context):
    capital = context['vars']['capital']
    found = capital in output
    return {
        'pass': found,
        'score': 1.0 if found else 0.0,
        'reason': ('mentions %s' if found else 'never mentions %s') % capital,
    }


def long_enough(output, context):
    return len(output) >= context.get('config', {}).get('min_length', 0)
