"""The tree: nodes arranged by their dotted ids, their maxes, weights, roles and modes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from rubric._check.clauses import check_clauses
from rubric._check.names import Names, Scope
from rubric._check.rules import Role, Rules, role_of, total
from rubric._i18n import _
from rubric._numbers import plain, terminates
from rubric.dsl import nodes as n

__all__ = ["Mode", "Tree", "TreeNode", "mode_of"]

Mode = Literal["scaled", "weighted", "best of", "one of"]
Decl = n.Group | n.Indicator


def mode_of(text: str | None) -> Mode | None:
    """How a group combines its children, as the parser spells it (None: it adds them up)."""
    match text:
        case None:
            return None
        case "scaled" | "weighted" | "best of" | "one of":
            return text
        case _:
            raise AssertionError(f"the parser gave an unknown mode {text!r}")


@attrs.frozen
class TreeNode:
    """A group or an indicator with its children, arranged by the checker from the dotted ids."""

    decl: n.Group | n.Indicator
    children: tuple[TreeNode, ...]


@attrs.define
class Tree:
    """Arranges the nodes by id and checks what each asks of the others."""

    names: Names
    rules: Rules
    places: int | None  # None when the rounding's places are refused
    id_depth: int  # the levels an id may have (Limits.id_depth)
    node_ids: set[str] = attrs.Factory(set)

    def check_tree(
        self, decls: tuple[Decl, ...], header: n.Header, scope: Scope
    ) -> tuple[tuple[TreeNode, ...], tuple[Decl, ...]]:
        report = self.names.report
        by_id: dict[str, Decl] = {}
        children: dict[str, list[str]] = {"": []}
        checked: dict[str, Decl] = {}
        rejected: set[str] = set()
        refused: dict[str, list[Decl]] = {}
        roles: dict[str, Role] = {}
        # Where each id is first declared, for a parent declared below its children.
        first_at: dict[str, int] = {}
        # Groups holding an indicator with its own bonus: their score may pass their max.
        over: set[str] = set()
        for index, decl in enumerate(decls):
            first_at.setdefault(decl.id, index)
            if isinstance(decl, n.Indicator) and any(e.role == "bonus" for e in decl.extras):
                parts = decl.id.split(".")
                over.update(".".join(parts[:i]) for i in range(1, len(parts)))
        for index, decl in enumerate(decls):
            parent = decl.id.rpartition(".")[0]
            # Bonus and deduction items take their role from the top-level group they are in.
            role = role_of(decl.role) if not parent else roles.get(parent, "base")
            roles[decl.id] = role
            # An indicator's rules are checked even when its place in the tree is wrong, so
            # that their own mistakes show, and their facts do not read as unused.
            checked_decl: Decl
            if isinstance(decl, n.Indicator):
                checked_decl = self.rules.check_indicator(n.replace(decl, role=role), scope)
            else:
                max_ = None if decl.id in over else decl.max
                clauses = check_clauses(self.names, decl.clauses, scope, max_, decl.id)
                checked_decl = n.replace(decl, clauses=clauses)
            self.check_measure(decl, role, parent)
            if isinstance(decl, n.Indicator):
                for extra in decl.extras:
                    self.max_fits(extra.cap, extra.role)
            problem = self.placement(decl, index, decls, first_at, by_id, rejected, header)
            if problem:
                rejected.add(decl.id)
                refused.setdefault(parent, []).append(decl)
                report(problem[0], decl.id_span, problem[1], problem[2])
                continue
            by_id[decl.id] = decl
            children[decl.id] = []
            children[parent].append(decl.id)
            checked[decl.id] = checked_decl
        if not decls:
            report(
                "E310",
                header.span,
                _("this rubric has no groups or indicators"),
                _('add one, such as: indicator quality "质量" max 10'),
            )

        def build(node_id: str) -> TreeNode:
            # A recursion as deep as ids nest: id_depth levels at most (and id_chars bounds them).
            return TreeNode(checked[node_id], tuple(build(c) for c in children[node_id]))

        def held(node_id: str) -> list[Decl]:
            # A node refused for its id or place still meant to count towards its parent.
            return [by_id[c] for c in children[node_id]] + refused.get(node_id, [])

        self.node_ids = set(by_id)
        for node_id, decl in by_id.items():
            kids = held(node_id)
            if isinstance(decl, n.Group):
                if not kids:
                    report(
                        "E308",
                        decl.id_span,
                        _("the group '{id}' has nothing in it", id=decl.id),
                        _("add indicators with ids such as {id}.name under it", id=decl.id),
                    )
                    continue
                self.check_children(decl, kids, _renormalising(decl, by_id))
            else:
                self.check_extras(decl, roles[node_id], by_id)
        top = held("")
        base = [k for k in top if k.role == "base"]
        if header.max is not None and base:
            self.check_sum(header.max, header.id, base)
        self.check_weights(None, top)
        self.check_policies(None, base)
        return tuple(build(c) for c in children[""]), tuple(checked.values())

    def check_measure(self, decl: Decl, role: Role, parent: str) -> None:
        """A node's max, and its role as a bonus or deduction item."""
        report = self.names.report
        if decl.role != "base" and parent:
            report(
                "E319",
                decl.span,
                _(
                    "a {role} group inside the group '{parent}'",
                    role=_role(decl.role),
                    parent=parent,
                ),
                _("bonus and deductions groups stand at the top, beside the rubric's other groups"),
            )
        if decl.max is None:
            if decl.role == "base" and role != "deductions":
                report(
                    "E303",
                    decl.id_span,
                    _("'{id}' has no max", id=decl.id),
                    _('give the points it is worth: … "{title}" max 10', title=decl.title),
                )
            return
        if decl.max.value <= 0:
            report(
                "E311",
                decl.max.span,
                _("max must be more than 0, found {text}", text=decl.max.text),
                _("give the points this node is worth"),
            )
        self.max_fits(decl.max)

    def check_extras(self, ind: n.Indicator, role: Role, by_id: Mapping[str, Decl]) -> None:
        """An indicator's own bonus and deductions count only where its score is added up: not
        in a bonus or deductions group, and a bonus not under a group that renormalises."""
        report = self.names.report
        parent = by_id.get(ind.id.rpartition(".")[0])
        above = _renormalising(parent, by_id) if isinstance(parent, n.Group) else None
        for extra in ind.extras:
            if role != "base":
                report(
                    "E332",
                    extra.span,
                    _(
                        "'{id}' is a {role} item, which cannot have its own {extra}",
                        id=ind.id,
                        role=role,
                        extra=extra.role,
                    ),
                    _(
                        "put these rules among its other rules: what a {role} item gives or "
                        "takes already stands outside the rubric's max",
                        role=role,
                    ),
                )
            elif extra.role == "bonus" and above is not None:
                report(
                    "E332",
                    extra.span,
                    _(
                        "a bonus on '{id}', but the group '{group}' above it is {mode}: it counts "
                        "each part as a share of its max, so points above the max would not "
                        "count as a bonus",
                        id=ind.id,
                        group=above.id,
                        mode=_mode_words(above.mode),
                    ),
                    _(
                        'put the bonus in a bonus group at the top (group extra "加分项" bonus '
                        "at most N), or the indicator in a group that adds up its children",
                    ),
                )

    def check_children(
        self, group: n.Group, kids: list[Decl], renormalising: n.Group | None = None
    ) -> None:
        """What a group's way of combining its children asks of them."""
        report = self.names.report
        if group.role != "base":
            for kid in kids:
                for clause in kid.clauses:
                    if isinstance(clause, n.NotApplicable):
                        report(
                            "E321",
                            clause.span,
                            _("a {role} item cannot be not applicable", role=_role(group.role)),
                            _(
                                "a bonus or deduction that does not apply gives nothing: put "
                                "the condition in its rules instead"
                            ),
                        )
                if isinstance(kid, n.Group):
                    report(
                        "E320",
                        kid.id_span,
                        _(
                            "a group inside the {role} group '{id}'",
                            role=_role(group.role),
                            id=group.id,
                        ),
                        _("put its items directly under '{id}', as indicators", id=group.id),
                    )
            return
        mode = mode_of(group.mode)
        if mode is None and group.max is not None:
            self.check_sum(group.max, group.id, kids)
        if mode in ("best of", "one of") and len(kids) < 2:
            assert group.mode_span is not None
            report(
                "E314",
                group.mode_span,
                _("a '{mode}' group with one child", mode=mode),
                _("give it two or more children to choose between"),
            )
        if mode == "one of":
            for kid in kids:
                if not any(isinstance(c, n.NotApplicable) for c in kid.clauses):
                    report(
                        "E315",
                        kid.id_span,
                        _(
                            "'{id}' is in the 'one of' group '{id2}' but never says when "
                            "it does not apply",
                            id=kid.id,
                            id2=group.id,
                        ),
                        _("add a line such as: not applicable if method != a"),
                    )
        self.check_weights(group, kids)
        self.check_policies(group, kids, renormalising)

    def check_policies(
        self, group: n.Group | None, kids: list[Decl], renormalising: n.Group | None = None
    ) -> None:
        """What a node that may not apply says happens to its points, against what its groups
        do: a scaled, weighted, best-of or one-of group (`renormalising`, the nearest at or
        above `group`) shares its points out again by itself, so below one no policy is needed,
        and one that would not happen is refused."""
        for kid in kids:
            for clause in kid.clauses:
                if not isinstance(clause, n.NotApplicable):
                    continue
                if renormalising is None:
                    if clause.policy is None:
                        self.names.report(
                            "E322",
                            clause.span,
                            _(
                                "this line does not say what happens to the points of a node "
                                "that does not apply"
                            ),
                            _(
                                "end it with ', full marks', ', rescale the total' or ', "
                                "redistribute to siblings'"
                            ),
                        )
                    continue
                assert group is not None
                parent = renormalising is group
                if clause.policy == "rescale the total" or (
                    clause.policy == "redistribute to siblings" and parent
                ):
                    mode = renormalising.mode
                    consequence = (
                        _("the total is not rescaled")
                        if clause.policy == "rescale the total"
                        else _("its points go to the others already")
                    )
                    words = {
                        "policy": clause.policy,
                        "id": kid.id,
                        "group": renormalising.id,
                        "mode": _mode_words(mode),
                        "consequence": consequence,
                    }
                    self.names.report(
                        "E330",
                        clause.span,
                        _(
                            "'{policy}' on '{id}', but its group '{group}' is {mode}: it "
                            "renormalises itself when a part does not apply, so {consequence}",
                            **words,
                        )
                        if parent
                        else _(
                            "'{policy}' on '{id}', but the group '{group}' above it is {mode}: "
                            "it renormalises itself when a part does not apply, so "
                            "{consequence}",
                            **words,
                        ),
                        _(
                            "write no policy (not applicable if CONDITION), or ', full "
                            "marks' to count the part at its max"
                        ),
                    )

    def check_weights(self, group: n.Group | None, kids: list[Decl]) -> None:
        report = self.names.report
        weighted = group is not None and mode_of(group.mode) == "weighted"
        for kid in kids:
            if kid.role != "base":
                continue
            if weighted and kid.weight is None:
                assert group is not None
                report(
                    "E316",
                    kid.id_span,
                    _(
                        "'{id}' has no weight, but its group '{id2}' is weighted",
                        id=kid.id,
                        id2=group.id,
                    ),
                    _('give it one after its max: … "{title}" max 100 weight 30', title=kid.title),
                )
            elif not weighted and kid.weight is not None:
                owner = _("the group '{id}'", id=group.id) if group is not None else _("the rubric")
                report(
                    "E317",
                    kid.weight.span,
                    _("a weight on '{id}', but {owner} is not weighted", id=kid.id, owner=owner),
                    _("delete the weight, or add ', weighted' to the group line"),
                )
            elif kid.weight is not None and kid.weight.value <= 0:
                report(
                    "E318",
                    kid.weight.span,
                    _("a weight must be more than 0, found {text}", text=kid.weight.text),
                )

    def max_fits(self, max_: n.Number, role: str | None = None) -> None:
        """A max (or the cap of an item's bonus or deductions, `role`) must show exactly with
        the rubric's places, or rounding could cross it."""
        if self.places is not None and not terminates(max_.value, self.places):
            self.names.report(
                "E312",
                max_.span,
                *self.too_many_places(max_, role),
            )

    def too_many_places(self, max_: n.Number, role: str | None) -> tuple[str, str]:
        """E312's message and hint, for a max or for the cap of an item's `role` block."""
        if role is None:
            return (
                _(
                    "max {text} has more decimals than the {places} places scores are rounded to",
                    text=max_.text,
                    places=self.places,
                ),
                _("round to more places, or give a max that fits them"),
            )
        return (
            _(
                "{role} cap {text} has more decimals than the {places} places scores are "
                "rounded to",
                role=role,
                text=max_.text,
                places=self.places,
            ),
            _("round to more places, or give a {role} cap that fits them", role=role),
        )

    def placement(
        self,
        decl: Decl,
        index: int,
        decls: tuple[Decl, ...],
        first_at: Mapping[str, int],
        by_id: Mapping[str, Decl],
        rejected: set[str],
        header: n.Header,
    ) -> tuple[Literal["E514", "E313", "E307", "E305", "E304", "E306"], str, str] | None:
        """What is wrong with where a node stands in the tree, as (code, message, hint)."""
        line_of = self.names.report.line_of
        parent = decl.id.rpartition(".")[0]
        if decl.id.count(".") >= self.id_depth:
            return (
                "E514",
                _(
                    "the id '{id}' nests {value} levels deep, more than {id_depth}",
                    id=decl.id,
                    value=decl.id.count(".") + 1,
                    id_depth=self.id_depth,
                ),
                _("a table has a few levels; shorten the id"),
            )
        if parent and parent == header.id:
            return (
                "E313",
                _("'{parent}' is the rubric's own id, which ids below it leave out", parent=parent),
                _("write the id without it: {partition}", partition=decl.id.partition(".")[2]),
            )
        if decl.id in by_id or decl.id == header.id:
            first = by_id.get(decl.id, header)
            return (
                "E307",
                _(
                    "the id '{id}' is used twice; first on line {line}",
                    id=decl.id,
                    line=line_of(first.span),
                ),
                _("give every group and indicator its own id"),
            )
        if parent and parent in rejected:
            return (
                "E305",
                _("the parent group '{parent}' has a mistake of its own", parent=parent),
                _("fix the line that declares it, reported above"),
            )
        if parent and parent not in by_id:
            # Declared above, it would be in the tree or refused: any line with its id is below.
            later = first_at.get(parent)
            hint = (
                _(
                    "it is declared later, on line {line}; move it above",
                    line=line_of(decls[later].span),
                )
                if later is not None
                else _(
                    'add a line such as: group {parent} "…" max N, above this one', parent=parent
                )
            )
            return "E304", _("the parent group '{parent}' is not declared", parent=parent), hint
        if parent and isinstance(by_id[parent], n.Indicator):
            return (
                "E306",
                _(
                    "'{parent}' is an indicator, which cannot hold '{id}'",
                    parent=parent,
                    id=decl.id,
                ),
                _("make '{parent}' a group, or give this line another id", parent=parent),
            )
        return None

    def check_sum(self, max_: n.Number, owner: str, kids: list[Decl]) -> None:
        summed = total(k.max.value for k in kids if k.max)
        if summed != max_.value:
            parts = " + ".join(f"{k.max.text if k.max else '?'} ({k.id})" for k in kids)
            self.names.report(
                "E301",
                max_.span,
                _(
                    "'{owner}' is worth {text} but what it holds adds up to {number}: {parts}",
                    owner=owner,
                    text=max_.text,
                    number=plain(summed, 6),
                    parts=parts,
                ),
                _("make the max equal the sum of the maxes under it"),
            )


def _renormalising(group: n.Group, by_id: Mapping[str, Decl]) -> n.Group | None:
    """The nearest group, this one or one above it, that is scaled, weighted, best of or one
    of: it brings what is left of its parts to its own max by itself."""
    node_id: str = group.id
    while node_id:
        found = by_id.get(node_id)
        if isinstance(found, n.Group) and found.role == "base" and found.mode is not None:
            return found
        node_id = node_id.rpartition(".")[0]
    return None


def _mode_words(mode: str | None) -> str:
    """How a group's mode reads after 'is': scaled, weighted, a 'best of' group."""
    return _("a '{mode}' group", mode=mode) if mode in ("best of", "one of") else str(mode)


def _role(role: str) -> str:
    """A bonus or deductions group's role, in words: 'bonus' or 'deductions' in English."""
    return _("bonus") if role == "bonus" else _("deductions")
