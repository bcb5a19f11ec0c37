"""CPU work with threads and processes: where the GIL matters."""

import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool, Process


def count_primes(limit: int) -> int:
    return sum(1 for n in range(2, limit) if all(n % d for d in range(2, int(n**0.5) + 1)))


def main() -> None:
    print("GIL enabled:", sys._is_gil_enabled())
    t = threading.Thread(target=count_primes, args=(10_000,))
    t.start()
    t.join()
    with ThreadPoolExecutor() as threads:
        print(list(threads.map(count_primes, [10_000] * 4)))
    with ProcessPoolExecutor() as processes:
        print(list(processes.map(count_primes, [10_000] * 4)))
    with Pool(2) as pool:
        print(pool.map(count_primes, [10_000] * 4))
    p = Process(target=count_primes, args=(10_000,))
    p.start()
    p.join()


if __name__ == "__main__":
    main()
