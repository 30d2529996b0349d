"""The mutants of one module: small, deliberate bugs, each a single change to the syntax tree.

The operators are the ones a reviewer would worry about in a trust decision: a comparison flipped
(``<`` and ``<=``, ``==`` and ``!=``, ``in`` and ``not in``, ``is`` and ``is not``), a condition
negated, ``and`` swapped with ``or``, a number one higher, ``True`` swapped with ``False``, ``+``
swapped with ``-``, and a ``return`` or ``raise`` deleted. Strings, docstrings, annotations and
decorators are left alone: a changed message is not a changed decision, and decorators shape
classes when the module is imported, which a mutant applied in a running process cannot redo.

The list is a pure function of the source: the same file gives the same mutants, in the same
order, with the same keys, so a run can be repeated and its survivors compared.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

COMPARISON_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    """One change: where it is (line, the function or class holding it) and what it does."""

    index: int  # position in the module's list
    operator: str  # comparison, negate, and/or, constant, true/false, +/-, delete
    line: int
    end_line: int
    scope: tuple[str, ...]  # ("function", name) | ("method", class, name) | ("class", name) | ("module",)
    in_signature: bool  # a default argument value: it takes effect wherever the function is called
    function_lines: tuple[int, int]  # the whole function's lines, for mutants in a signature
    before: str
    after: str
    path: tuple[tuple[str, int | None], ...]  # fields from the module to the changed node

    @property
    def key(self) -> str:
        """Stable while the code around it stays the same (no line numbers): scope, change, rank."""
        return f"{'.'.join(self.scope[1:]) or '<module>'}: {self.before} -> {self.after}"


def _children(node: ast.AST) -> Iterator[tuple[str, int | None, ast.AST]]:
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            yield name, None, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield name, i, item


def _is_docstring(node: ast.AST, parent: ast.AST | None, field: str, index: int | None) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and field == "body"
        and index == 0
        and isinstance(parent, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    )


def _negated(test: ast.expr) -> ast.expr:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(op=ast.Not(), operand=test)


class _Finder:
    """Walks the tree in a fixed order, noting every place an operator applies."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.found: list[Mutant] = []

    def run(self) -> list[Mutant]:
        self._walk(self.tree, (), ("module",), False, (0, 0), None, "", None)
        return self.found

    def _falls_off(self, node: ast.Return) -> bool:
        """``return`` or ``return None`` as a function's last statement: deleting it changes nothing."""
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            return False
        return any(
            isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.body[-1] is node for f in ast.walk(self.tree)
        )

    def _add(
        self,
        node: ast.AST,
        path: tuple[tuple[str, int | None], ...],
        scope: tuple[str, ...],
        in_signature: bool,
        function_lines: tuple[int, int],
        operator: str,
        before: str,
        after: str,
    ) -> None:
        self.found.append(
            Mutant(
                index=len(self.found),
                operator=operator,
                line=getattr(node, "lineno", 0),
                end_line=getattr(node, "end_lineno", None) or getattr(node, "lineno", 0),
                scope=scope,
                in_signature=in_signature,
                function_lines=function_lines,
                before=before,
                after=after,
                path=path,
            )
        )

    def _walk(
        self,
        node: ast.AST,
        path: tuple[tuple[str, int | None], ...],
        scope: tuple[str, ...],
        in_signature: bool,
        function_lines: tuple[int, int],
        parent: ast.AST | None,
        field: str,
        index: int | None,
    ) -> None:
        if _is_docstring(node, parent, field, index):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if scope[0] == "module":
                scope = ("function", node.name)
                function_lines = (node.lineno, node.end_lineno or node.lineno)
            elif scope[0] == "class":
                scope = ("method", scope[1], node.name)
                function_lines = (node.lineno, node.end_lineno or node.lineno)
            # a nested function stays in its outer function's scope
        elif isinstance(node, ast.ClassDef) and scope[0] == "module":
            scope = ("class", node.name)
        self._mutations_at(node, path, scope, in_signature, function_lines)
        for name, i, child in _children(node):
            if name in ("decorator_list", "annotation", "returns", "type_comment"):
                continue
            if isinstance(node, ast.ImportFrom | ast.Import):
                continue
            signature = in_signature or (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and name == "args")
            self._walk(child, (*path, (name, i)), scope, signature, function_lines, node, name, i)

    def _mutations_at(
        self,
        node: ast.AST,
        path: tuple[tuple[str, int | None], ...],
        scope: tuple[str, ...],
        in_signature: bool,
        lines: tuple[int, int],
    ) -> None:
        def add(
            operator: str,
            before: str,
            after: str,
            subpath: tuple[tuple[str, int | None], ...] = (),
            where: ast.AST | None = None,
        ) -> None:
            self._add(where or node, (*path, *subpath), scope, in_signature, lines, operator, before, after)

        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                flip = COMPARISON_FLIPS.get(type(op))
                if flip is None:
                    continue
                changed = copy.deepcopy(node)
                changed.ops[i] = flip()
                add("comparison", ast.unparse(node), ast.unparse(changed), (("ops", i),))
        elif isinstance(node, ast.BoolOp):
            changed = copy.deepcopy(node)
            changed.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            add("and/or", ast.unparse(node), ast.unparse(changed))
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
            changed = copy.deepcopy(node)
            changed.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            add("+/-", ast.unparse(node), ast.unparse(changed))
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                add("true/false", repr(node.value), repr(not node.value))
            elif isinstance(node.value, int | float) and not isinstance(node.value, complex):
                add("constant", repr(node.value), repr(node.value + 1))
        elif isinstance(node, ast.Raise) or (isinstance(node, ast.Return) and not self._falls_off(node)):
            add("delete", ast.unparse(node), "pass")

        if isinstance(node, ast.If | ast.While | ast.IfExp):
            add("negate", ast.unparse(node.test), ast.unparse(_negated(node.test)), (("test", None),))
        elif isinstance(node, ast.comprehension):
            for i, test in enumerate(node.ifs):
                add("negate", ast.unparse(test), ast.unparse(_negated(test)), (("ifs", i),), test)


def find_mutants(source: str) -> list[Mutant]:
    """Every mutant of a module's source, in a fixed order."""
    return _Finder(ast.parse(source)).run()


def _follow(tree: ast.AST, path: tuple[tuple[str, int | None], ...]) -> tuple[ast.AST, str, int | None]:
    """The parent of the node at ``path``, with the field (and index) that holds it."""
    node = tree
    for name, i in path[:-1]:
        value = getattr(node, name)
        node = value if i is None else value[i]
    name, i = path[-1]
    return node, name, i


def apply(source: str, mutant: Mutant) -> ast.Module:
    """The module's tree with this one mutant in it (line numbers unchanged)."""
    tree = ast.parse(source)
    parent, name, i = _follow(tree, mutant.path)
    if name == "ops":  # a comparison operator: the path ends at the operator itself
        parent.ops[i] = COMPARISON_FLIPS[type(parent.ops[i])]()  # type: ignore[attr-defined]
        return tree
    if name in ("test", "ifs"):  # a negated condition
        condition = getattr(parent, name) if i is None else getattr(parent, name)[i]
        negated = ast.copy_location(_negated(condition), condition)
        if i is None:
            setattr(parent, name, negated)
        else:
            getattr(parent, name)[i] = negated
        return tree
    node = getattr(parent, name) if i is None else getattr(parent, name)[i]
    if mutant.operator == "and/or":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif mutant.operator == "+/-":
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif mutant.operator == "true/false":
        node.value = not node.value
    elif mutant.operator == "constant":
        node.value = node.value + 1
    elif mutant.operator == "delete":
        replacement = ast.copy_location(ast.Pass(), node)
        if i is None:
            setattr(parent, name, replacement)
        else:
            getattr(parent, name)[i] = replacement
    else:  # pragma: no cover - every operator found is handled above
        raise ValueError(mutant.operator)
    return tree
