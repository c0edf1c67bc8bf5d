"""Source text for the child processes that tests start to measure memory on their own: the
child's peak RSS, not the forking parent's."""

PEAK_MB = '''
import resource


def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss keeps the forking parent's across exec)
    try:
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
'''
