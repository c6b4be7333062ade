"""Counts the CPU cores the engine should use."""

from __future__ import annotations

import os


def usable_logical_cpus() -> int:
    """Logical CPUs this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


def physical_cores() -> int:
    """Physical cores available to this process (hyper-threads do not speed up inference)."""
    logical = usable_logical_cpus()
    cores: set[tuple[str, str]] = set()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            physical_id = core_id = ""
            for line in cpuinfo:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    physical_id = value.strip()
                elif key == "core id":
                    core_id = value.strip()
                    cores.add((physical_id, core_id))
    except OSError:
        pass
    if not cores:
        return logical
    return max(min(len(cores), logical), 1)


def total_memory_bytes() -> int:
    """Physical memory of the machine (8 GiB when it cannot be read)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30
