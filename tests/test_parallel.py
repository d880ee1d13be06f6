"""The parallel maps: input order kept, the input drawn only a window ahead, a worker killed
by one item reported for that item alone while every other item completes, a failed worker
start raised as the run's error, and one worker run in this process or a process of its own.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from dalil.parallel import isolated_map, ordered_map, worker_count

_started_in: list[int] = []  # the process ids that ran ``_note_start``, inherited by forks


def _square(n: int) -> int:
    return n * n


def _exit_on_three(n: int) -> int:
    if n == 3:
        os._exit(1)  # what an aborting decoder does to its process
    return n * 10


def _killed_on_three(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # a segfault, or the OOM killer
    return n * 10


def _killed_on_three_and_four(n: int) -> int:
    return _killed_on_three(n - 1 if n == 4 else n)


def _raises_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three is not allowed")
    return n


def _pid(_: int) -> int:
    return os.getpid()


def _note_start() -> None:
    _started_in.append(os.getpid())


def _fail_start() -> None:
    raise RuntimeError("the models are not installed")


def _starts_here(_: int) -> int:
    return _started_in.count(os.getpid())


def _crashed(n: int) -> int:
    return -n


def _never(n: int) -> int:
    raise AssertionError(f"item {n} was reported as a crash")


def _counted(drawn: list[int]) -> Iterator[int]:
    for n in itertools.count():
        drawn.append(n)
        yield n


@pytest.mark.parametrize(("workers", "per_worker"), [(2, 1), (2, 3), (3, 2)])
def test_results_come_back_in_input_order(workers: int, per_worker: int) -> None:
    results = isolated_map(_square, iter(range(40)), _never, workers, per_worker=per_worker)
    assert list(results) == [n * n for n in range(40)]


def test_an_endless_input_is_drawn_only_a_window_ahead() -> None:
    drawn: list[int] = []
    results = isolated_map(_square, _counted(drawn), _never, 2, per_worker=3)
    assert [next(results), next(results)] == [0, 1]
    assert len(drawn) == 2 * 3 + 1
    assert isinstance(results, Generator)
    results.close()


def test_ordered_map_draws_an_endless_input_only_a_window_ahead() -> None:
    drawn: list[int] = []
    with ThreadPoolExecutor(2) as pool:
        results = ordered_map(pool, _square, _counted(drawn), window=4)
        assert [next(results), next(results)] == [0, 1]
        assert len(drawn) == 4 + 1
        assert isinstance(results, Generator)
        results.close()


@pytest.mark.parametrize("killer", [_exit_on_three, _killed_on_three])
def test_an_item_that_kills_its_worker_is_reported_for_it_alone(
    killer: Callable[[int], int],
) -> None:
    results = list(isolated_map(killer, range(1, 13), _crashed, 2))
    assert results == [-3 if n == 3 else n * 10 for n in range(1, 13)]


@pytest.mark.parametrize("items", [[1, 2, 3, 4, 5, 6], [3, 4], [1, 2, 5, 6, 7, 3, 4]])
def test_two_killers_in_one_window_are_both_named(items: list[int]) -> None:
    results = list(isolated_map(_killed_on_three_and_four, items, _crashed, 2, per_worker=4))
    assert results == [-n if n in (3, 4) else n * 10 for n in items]


def test_a_killer_in_every_window_is_named_each_time() -> None:
    items = [1, 2, 3, 4, 3, 5, 6, 7, 8, 3]
    results = list(isolated_map(_exit_on_three, items, _crashed, 2, per_worker=1))
    assert results == [-3 if n == 3 else n * 10 for n in items]


def test_the_functions_own_error_is_raised_not_reported_as_a_crash() -> None:
    with pytest.raises(ValueError, match="three is not allowed"):
        list(isolated_map(_raises_on_three, range(10), _never, 2))


def test_a_failed_worker_start_is_the_runs_error_not_a_crash_of_every_item() -> None:
    results = isolated_map(_square, range(10), _never, 2, initializer=_fail_start)
    with pytest.raises(RuntimeError, match="models are not installed"):
        list(results)


def test_the_initializer_runs_once_in_each_worker_before_its_tasks() -> None:
    results = list(isolated_map(_starts_here, range(20), _never, 2, initializer=_note_start))
    assert results == [1] * 20


def test_one_worker_runs_in_this_process_starting_it_only_for_work() -> None:
    before = _started_in.count(os.getpid())
    assert list(isolated_map(_pid, [], _never, 1, initializer=_note_start)) == []
    assert _started_in.count(os.getpid()) == before
    results = list(isolated_map(_starts_here, [1, 2, 3], _never, 1, initializer=_note_start))
    assert results == [before + 1] * 3
    assert list(isolated_map(_pid, [1, 2], _never, 1)) == [os.getpid()] * 2


def test_one_worker_not_inline_runs_in_a_process_of_its_own_and_survives_a_kill() -> None:
    pids = list(isolated_map(_pid, [1, 2], _never, 1, inline=False))
    assert os.getpid() not in pids
    results = list(isolated_map(_killed_on_three, [1, 2, 3, 4], _crashed, 1, inline=False))
    assert results == [10, 20, -3, 40]


@pytest.mark.parametrize(
    ("requested", "tasks", "expected"),
    [(3, None, 3), (8, 2, 2), (2, 5, 2), (4, 0, 1), (0, None, os.cpu_count() or 1)],
)
def test_worker_count_is_one_per_core_by_default_and_never_more_than_the_tasks(
    requested: int, tasks: int | None, expected: int
) -> None:
    assert worker_count(requested, tasks) == expected
