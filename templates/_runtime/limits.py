"""Customer.io's Track API limits, in one place.

The runtime checks them in the caller's thread (a request the API would reject
fails at the line that built it), and the compiler reads this same file to
reject a taxonomy that could never fit. It imports nothing, so either side can
load it on its own.

Where Customer.io states a limit in "kb", the conservative reading is used
(1 kb = 1,000 bytes): an operation the API might refuse must fail at the call,
never later in the background.
"""

MAX_IDENTIFIER_BYTES = 150
"""A person identifier (id, email, cio_id) or anonymous id, in UTF-8 bytes."""
MAX_ATTRIBUTE_NAME_BYTES = 150
"""A person attribute's name, in UTF-8 bytes."""
MAX_ATTRIBUTE_VALUE_BYTES = 1000
"""A person attribute's value, in UTF-8 bytes."""
MAX_ATTRIBUTES_PER_CALL = 300
"""Attributes in one identify call."""
MAX_EVENT_NAME_BYTES = 100
"""An event name, in UTF-8 bytes."""
MAX_EVENT_DATA_BYTES = 100_000
"""Event ``data``/``attributes`` as serialized JSON, in bytes."""
MAX_OPERATION_BYTES = 32_000
"""One operation inside a v2 batch ("32kb or smaller"; 32,000, not 32,768)."""
MAX_BATCH_BYTES = 500_000
"""A v2 batch request must be *smaller* than this ("smaller than 500kb")."""

# The runtime's historical names for two of the limits above, still exported by
# every generated package.
MAX_REQUEST_BYTES = MAX_BATCH_BYTES
MAX_IDENTIFY_ATTRIBUTES = MAX_ATTRIBUTES_PER_CALL
