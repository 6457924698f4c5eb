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

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives one call to etcd a deadline and a one-line description of what went wrong, for
 * the code of this library that calls etcd (registration, the discovery cache): as a
 * future ({@link #call}), for callers that must not hold a thread while etcd answers, or
 * waited for ({@link #await}).
 *
 * @author etcd-discovery authors
 */
public final class EtcdCalls {

	private EtcdCalls() {
	}

	/**
	 * Give a call a deadline: the returned future fails with an {@link EtcdCallException}
	 * when the call fails, or when the deadline passes (the call is then cancelled).
	 * @param <T> the type of the answer
	 * @param call the call
	 * @param what what the call does, for example {@code "listing /services/default/"}
	 * @param timeout the deadline
	 * @return the answer, or the failure described in one line
	 */
	public static <T> CompletableFuture<T> call(CompletableFuture<T> call, String what, Duration timeout) {
		CompletableFuture<T> result = new CompletableFuture<>();
		call.whenComplete((answer, failure) -> {
			if (failure == null) {
				result.complete(answer);
			}
			else {
				Throwable cause = unwrap(failure);
				result.completeExceptionally(
						new EtcdCallException(what + " failed: " + EtcdErrors.describe(cause), cause));
			}
		});
		result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, failure) -> {
			if (failure instanceof TimeoutException) {
				call.cancel(true);
			}
		});
		return result.handle((answer, failure) -> {
			if (failure instanceof TimeoutException) {
				throw new EtcdCallException(what + " timed out after " + Durations.format(timeout), null);
			}
			if (failure != null) {
				throw (failure instanceof CompletionException completion) ? completion
						: new CompletionException(failure);
			}
			return answer;
		});
	}

	/**
	 * Wait for a call, cancelling it when the deadline passes.
	 * @param <T> the type of the answer
	 * @param call the call
	 * @param what what the call does, for example {@code "listing /services/default/"}
	 * @param timeout the deadline
	 * @return the answer
	 * @throws EtcdCallException if the call failed, timed out or the thread was
	 * interrupted (the interrupt is kept)
	 */
	public static <T> T await(CompletableFuture<T> call, String what, Duration timeout) {
		try {
			return join(call(call, what, timeout));
		}
		catch (EtcdCallException ex) {
			if (Thread.currentThread().isInterrupted()) {
				call.cancel(true);
				throw new EtcdCallException(what + " was interrupted", null);
			}
			throw ex;
		}
	}

	/**
	 * Wait for a future that has a deadline of its own, and throw what it failed with.
	 * @param <T> the type of the answer
	 * @param future the future
	 * @return the answer
	 * @throws RuntimeException the failure of the future, unwrapped; an
	 * {@link EtcdCallException} if the thread was interrupted (the interrupt is kept)
	 */
	public static <T> T join(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new EtcdCallException(EtcdErrors.describe(cause), cause);
		}
		catch (CancellationException ex) {
			throw new EtcdCallException("cancelled", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new EtcdCallException("interrupted", null);
		}
	}

	/**
	 * Return the failure a future completed with, without the wrappers of
	 * {@link CompletableFuture}.
	 * @param failure the failure
	 * @return its cause
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
