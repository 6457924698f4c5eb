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

package io.etcddiscovery.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.etcd.StatusSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * This instance's own health check loop: every interval (each round is a beat of
 * {@code discovery.heartbeat.*}), it evaluates health on its own thread with a time bound
 * (a slow or hanging check counts as {@code DOWN} and never delays anything else),
 * publishes the status once the same new result was seen {@code threshold} times in a
 * row, and checks that this instance's key is still in etcd. The lease itself is renewed
 * by jetcd's keep-alive stream, independently of this loop. Not to be confused with
 * Spring Cloud's {@code HeartbeatEvent}, which tells that the catalog of other instances
 * changed.
 * <p>
 * A beat waits for nothing on a shared thread: it runs on a {@link SerialExecutor} of the
 * shared {@link TaskScheduler}, hands the health check to an executor of its own (one
 * thread, {@value #HEALTH_THREAD_NAME_PREFIX}1 in the auto-configuration, which contains
 * a check that hangs) and the key check to the registrar, and schedules the next beat an
 * interval after the last one ended. Both executors belong to the caller (the application
 * context), which shuts them down.
 *
 * @author etcd-discovery authors
 */
public final class HealthCheckLoop {

	/**
	 * Prefix of the name of the thread that evaluates health, the auto-configuration's
	 * health executor.
	 */
	public static final String HEALTH_THREAD_NAME_PREFIX = "etcd-discovery-health-";

	private static final Log logger = LogFactory.getLog(HealthCheckLoop.class);

	private final InstanceRegistrar registrar;

	private final StatusPublisher statusPublisher;

	private final @Nullable StatusSource statusSource;

	private final Duration interval;

	private final Duration healthTimeout;

	private final int threshold;

	private final Duration verifyTimeout;

	private final Clock clock;

	private final SerialExecutor executor;

	private final Executor healthExecutor;

	private final List<Consumer<Beat>> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Beat lastBeat;

	private volatile int consecutiveFailures;

	private volatile boolean stopped;

	// The loop's executor only, after start().
	private @Nullable CompletableFuture<InstanceStatus> pendingEvaluation;

	private @Nullable InstanceStatus candidate;

	private int candidateCount;

	private @Nullable ScheduledFuture<?> next;

	private boolean started;

	/**
	 * Create a new health check loop.
	 * @param registrar the registrar whose key is checked
	 * @param statusPublisher where health results go
	 * @param statusSource the health to follow, or {@code null} to publish UP
	 * @param interval the time between beats
	 * @param healthTimeout the longest time a health evaluation may take
	 * @param threshold how many equal new results change the published status
	 * @param verifyTimeout the longest time the key check may take
	 * @param clock the clock for timestamps
	 * @param scheduler the threads beats run on
	 * @param healthExecutor the thread health is evaluated on, one so that a check that
	 * hangs holds only it and never piles up
	 */
	public HealthCheckLoop(InstanceRegistrar registrar, StatusPublisher statusPublisher,
			@Nullable StatusSource statusSource, Duration interval, Duration healthTimeout, int threshold,
			Duration verifyTimeout, Clock clock, TaskScheduler scheduler, Executor healthExecutor) {
		Assert.notNull(registrar, "'registrar' must not be null");
		Assert.notNull(statusPublisher, "'statusPublisher' must not be null");
		Assert.isTrue(threshold >= 1, "'threshold' must be at least 1");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		Assert.notNull(healthExecutor, "'healthExecutor' must not be null");
		this.registrar = registrar;
		this.statusPublisher = statusPublisher;
		this.statusSource = statusSource;
		this.interval = interval;
		this.healthTimeout = healthTimeout;
		this.threshold = threshold;
		this.verifyTimeout = verifyTimeout;
		this.clock = clock;
		this.executor = new SerialExecutor("health-check-loop", scheduler);
		this.healthExecutor = healthExecutor;
	}

	/**
	 * Evaluate health once, now, on the caller's thread but within the time bound, and
	 * hand the result to the status publisher. Used before the first registration so that
	 * an unhealthy instance is never published as UP.
	 * @return the status to publish
	 */
	public InstanceStatus evaluateNow() {
		StatusSource source = this.statusSource;
		if (source != null) {
			InstanceStatus status;
			try {
				status = CompletableFuture.supplyAsync(source::evaluate, this.healthExecutor)
					.get(this.healthTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				status = timedOut();
			}
			catch (ExecutionException ex) {
				status = failed(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				status = InstanceStatus.DOWN;
			}
			this.candidate = status;
			this.candidateCount = this.threshold;
			this.statusPublisher.setHealthStatus(status);
		}
		return this.statusPublisher.getEffectiveStatus();
	}

	/**
	 * Start beating.
	 */
	public void start() {
		execute(() -> {
			if (!this.started && !this.stopped) {
				this.started = true;
				scheduleNext();
			}
		});
	}

	/**
	 * Stop beating. The health executor is its owner's to shut down.
	 */
	public void stop() {
		this.stopped = true;
		execute(() -> {
			ScheduledFuture<?> pending = this.next;
			if (pending != null) {
				pending.cancel(false);
			}
		});
		this.executor.shutdown();
	}

	/**
	 * Add a listener of every beat, for example to record metrics. Listeners are called
	 * on the loop's executor, one call at a time, and must return quickly.
	 * @param listener the listener
	 */
	public void addListener(Consumer<Beat> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
	}

	/**
	 * Return the last beat.
	 * @return the last beat, or {@code null} before the first
	 */
	public @Nullable Beat getLastBeat() {
		return this.lastBeat;
	}

	/**
	 * Return how many beats failed in a row.
	 * @return the number of consecutive failures
	 */
	public int getConsecutiveFailures() {
		return this.consecutiveFailures;
	}

	/**
	 * Return the time between beats.
	 * @return the interval
	 */
	public Duration getInterval() {
		return this.interval;
	}

	private void scheduleNext() {
		if (this.stopped) {
			return;
		}
		try {
			this.next = this.executor.schedule(this::beat, this.interval);
		}
		catch (RejectedExecutionException ex) {
			// The context is closing.
		}
	}

	private void beat() {
		long start = System.nanoTime();
		Instant at = this.clock.instant();
		CompletableFuture<@Nullable InstanceStatus> health = (this.statusSource != null)
				? nextEvaluation().copy()
					.orTimeout(this.healthTimeout.toMillis(), TimeUnit.MILLISECONDS)
					.handle((status, ex) -> (ex != null) ? failedOrTimedOut(ex) : status)
				: CompletableFuture.completedFuture(null);
		health.thenAcceptAsync((status) -> {
			if (status != null) {
				apply(status);
			}
			this.registrar.verify()
				.orTimeout(this.verifyTimeout.toMillis(), TimeUnit.MILLISECONDS)
				.whenCompleteAsync((result, ex) -> beaten(at, start, status, ex), this.executor);
		}, this.executor);
	}

	private void beaten(Instant at, long start, @Nullable InstanceStatus health, @Nullable Throwable failure) {
		String reason = null;
		if (failure != null) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			reason = (cause instanceof TimeoutException)
					? "no answer from etcd within " + this.verifyTimeout.toMillis() + "ms" : cause.getMessage();
			if (reason == null) {
				reason = cause.getClass().getSimpleName();
			}
		}
		this.consecutiveFailures = (reason != null) ? this.consecutiveFailures + 1 : 0;
		Beat beat = new Beat(at, reason == null, reason, Duration.ofNanos(System.nanoTime() - start), health,
				this.statusPublisher.getEffectiveStatus());
		this.lastBeat = beat;
		for (Consumer<Beat> listener : this.listeners) {
			try {
				listener.accept(beat);
			}
			catch (RuntimeException ex) {
				// A bug in the listener: worth its stack trace, and the loop goes on.
				logger.warn("Heartbeat listener failed", ex);
			}
		}
		scheduleNext();
	}

	private CompletableFuture<InstanceStatus> nextEvaluation() {
		CompletableFuture<InstanceStatus> pending = this.pendingEvaluation;
		if (pending != null && !pending.isDone()) {
			// The previous check still hangs: do not pile up another one behind it.
			return pending;
		}
		StatusSource source = this.statusSource;
		Assert.state(source != null, "No status source");
		CompletableFuture<InstanceStatus> next;
		try {
			next = CompletableFuture.supplyAsync(source::evaluate, this.healthExecutor);
		}
		catch (RejectedExecutionException ex) {
			next = CompletableFuture.failedFuture(ex);
		}
		this.pendingEvaluation = next;
		return next;
	}

	private InstanceStatus failedOrTimedOut(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof TimeoutException) ? timedOut() : failed(cause);
	}

	private InstanceStatus timedOut() {
		if (this.candidate != InstanceStatus.DOWN) {
			logger.warn("Health check did not answer within %dms: counting it as DOWN"
				.formatted(this.healthTimeout.toMillis()));
		}
		return InstanceStatus.DOWN;
	}

	private InstanceStatus failed(Throwable failure) {
		logger.warn("Health check failed (%s): counting it as DOWN".formatted(EtcdErrors.describe(failure)));
		return InstanceStatus.DOWN;
	}

	private void apply(InstanceStatus health) {
		if (health == this.candidate) {
			this.candidateCount++;
		}
		else {
			this.candidate = health;
			this.candidateCount = 1;
		}
		if (this.candidateCount >= this.threshold && health != this.statusPublisher.getHealthStatus()) {
			this.statusPublisher.setHealthStatus(health);
		}
	}

	private void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Stopped.
		}
	}

	/**
	 * One beat of the loop.
	 *
	 * @param at when it started
	 * @param success whether the key was confirmed in etcd
	 * @param failure why it failed, or {@code null}
	 * @param duration how long it took
	 * @param health the health status seen, or {@code null} when health is not followed
	 * @param published the status published after the beat
	 */
	public record Beat(Instant at, boolean success, @Nullable String failure, Duration duration,
			@Nullable InstanceStatus health, InstanceStatus published) {

	}

}
