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

package io.etcddiscovery.etcd;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.springframework.util.Assert;

/**
 * At most so many asynchronous calls in flight; the others wait in order, holding no
 * thread, and start as earlier ones complete. Written here because Spring's throttles
 * ({@code ConcurrencyThrottleSupport}) hold the waiting thread, which is what a process
 * withdrawing thousands of registrations at once must not do.
 * <p>
 * A call that completes at once (jetcd refuses some calls without a round trip) starts
 * the next one from a loop, not from its own completion, so that thousands of them do not
 * nest on one stack.
 *
 * @author etcd-discovery authors
 */
public final class InFlightLimit {

	private final int limit;

	private final Deque<Runnable> waiting = new ArrayDeque<>();

	private int inFlight;

	private boolean starting;

	/**
	 * Create a new limit.
	 * @param limit the most calls in flight at once
	 */
	public InFlightLimit(int limit) {
		Assert.isTrue(limit > 0, "'limit' must be positive");
		this.limit = limit;
	}

	/**
	 * Make a call now, or once fewer than the limit are in flight.
	 * @param <T> the call's result
	 * @param call starts the call; it is invoked once, on whichever thread frees the
	 * place
	 * @return completes as the call does
	 */
	public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
		CompletableFuture<T> result = new CompletableFuture<>();
		Runnable start = () -> {
			CompletableFuture<T> started;
			try {
				started = call.get();
			}
			catch (RuntimeException ex) {
				started = CompletableFuture.failedFuture(ex);
			}
			started.whenComplete((value, failure) -> {
				if (failure != null) {
					result.completeExceptionally(failure);
				}
				else {
					result.complete(value);
				}
				release();
			});
		};
		synchronized (this) {
			this.waiting.add(start);
		}
		startWaiting();
		return result;
	}

	/**
	 * Return how many calls wait for a place.
	 * @return the calls not started yet
	 */
	public synchronized int waiting() {
		return this.waiting.size();
	}

	private void release() {
		synchronized (this) {
			this.inFlight--;
		}
		startWaiting();
	}

	private void startWaiting() {
		synchronized (this) {
			if (this.starting) {
				// The thread starting calls sees the freed place on its next turn.
				return;
			}
			this.starting = true;
		}
		while (true) {
			Runnable next;
			synchronized (this) {
				if (this.inFlight >= this.limit || this.waiting.isEmpty()) {
					this.starting = false;
					return;
				}
				next = this.waiting.poll();
				this.inFlight++;
			}
			next.run();
		}
	}

}
