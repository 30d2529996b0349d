"""Members exercising their rights (SPEC §4): the requests desk.

Every right is a ``Request`` (``rights.models``): written, signed and dated, due by the stricter of
the notice and the member's law (``rights.deadlines``), moving received → in review → fulfilled /
partly fulfilled / denied through ``rights.services`` (filing) and ``rights.office`` (the office's
work), each step an audit event and a message to the member, in one transaction. What fulfilling a
kind does is a fulfilment step registered in ``rights.steps`` (``STEPS``: kind → dotted path of a
``FulfilmentStep``); accountings of disclosures are asked for in ``rights.accountings`` and fulfilled
in ``rights.accounting_fulfilment``. See ``docs/rights.md``.
"""
