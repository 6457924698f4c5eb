/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.test;

import java.time.Duration;

/**
 * A point in time by which something must have happened, for short polling loops.
 *
 * @author etcd-discovery authors
 */
final class Deadline {

	private final long expiresAtNanos;

	private Deadline(long expiresAtNanos) {
		this.expiresAtNanos = expiresAtNanos;
	}

	static Deadline after(Duration timeout) {
		return new Deadline(System.nanoTime() + timeout.toNanos());
	}

	boolean hasPassed() {
		return remaining().isZero();
	}

	Duration remaining() {
		long remaining = this.expiresAtNanos - System.nanoTime();
		return (remaining > 0) ? Duration.ofNanos(remaining) : Duration.ZERO;
	}

	/**
	 * Wait for {@code interval} or until the deadline, whichever comes first.
	 * @param interval the polling interval
	 */
	void pause(Duration interval) {
		Duration wait = (interval.compareTo(remaining()) < 0) ? interval : remaining();
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for etcd", ex);
		}
	}

}
