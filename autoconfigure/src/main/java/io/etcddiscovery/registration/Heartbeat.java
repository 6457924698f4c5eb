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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Beats every interval: evaluates health on its own thread with a time bound (a slow or
 * hanging check counts as {@code DOWN} and never delays anything else), publishes the
 * status once the same new result was seen {@code threshold} times in a row, and checks
 * that this instance's key is still in etcd. The lease itself is renewed by jetcd's
 * keep-alive stream, independently of the heartbeat.
 *
 * @author etcd-discovery authors
 */
public final class Heartbeat {

	private static final Log logger = LogFactory.getLog(Heartbeat.class);

	private final InstanceRegistrar registrar;

	private final StatusPublisher statusPublisher;

	private final @Nullable StatusSource statusSource;

	private final Duration interval;

	private final Duration healthTimeout;

	private final int threshold;

	private final Duration verifyTimeout;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ThreadPoolExecutor healthExecutor;

	private volatile @Nullable Consumer<Beat> listener;

	private volatile @Nullable Beat lastBeat;

	private volatile int consecutiveFailures;

	// Heartbeat thread only.
	private @Nullable Future<InstanceStatus> pendingEvaluation;

	private @Nullable InstanceStatus candidate;

	private int candidateCount;

	private boolean started;

	/**
	 * Create a new heartbeat.
	 * @param registrar the registrar whose key is checked
	 * @param statusPublisher where health results go
	 * @param statusSource the health to follow, or {@code null} to publish UP
	 * @param interval the time between beats
	 * @param healthTimeout the longest time a health evaluation may take
	 * @param threshold how many equal new results change the published status
	 * @param verifyTimeout the longest time the key check may take
	 * @param clock the clock for timestamps
	 */
	public Heartbeat(InstanceRegistrar registrar, StatusPublisher statusPublisher, @Nullable StatusSource statusSource,
			Duration interval, Duration healthTimeout, int threshold, Duration verifyTimeout, Clock clock) {
		Assert.notNull(registrar, "'registrar' must not be null");
		Assert.notNull(statusPublisher, "'statusPublisher' must not be null");
		Assert.isTrue(threshold >= 1, "'threshold' must be at least 1");
		this.registrar = registrar;
		this.statusPublisher = statusPublisher;
		this.statusSource = statusSource;
		this.interval = interval;
		this.healthTimeout = healthTimeout;
		this.threshold = threshold;
		this.verifyTimeout = verifyTimeout;
		this.clock = clock;
		this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("etcd-discovery-heartbeat-"));
		this.healthExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				daemon("etcd-discovery-health-"));
	}

	private static CustomizableThreadFactory daemon(String prefix) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(prefix);
		threadFactory.setDaemon(true);
		return threadFactory;
	}

	/**
	 * Evaluate health once, now, on the caller's thread but within the time bound, and
	 * hand the result to the status publisher. Used before the first registration so that
	 * an unhealthy instance is never published as UP.
	 * @return the status to publish
	 */
	public InstanceStatus evaluateNow() {
		if (this.statusSource != null) {
			InstanceStatus status = evaluateHealth(this.healthExecutor.submit(this.statusSource::evaluate));
			this.candidate = status;
			this.candidateCount = this.threshold;
			this.statusPublisher.setHealthStatus(status);
		}
		return this.statusPublisher.getEffectiveStatus();
	}

	/**
	 * Start beating.
	 */
	public synchronized void start() {
		if (!this.started && !this.scheduler.isShutdown()) {
			this.started = true;
			this.scheduler.scheduleWithFixedDelay(this::beat, this.interval.toMillis(), this.interval.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Stop beating and release the threads.
	 */
	public synchronized void stop() {
		this.scheduler.shutdownNow();
		this.healthExecutor.shutdownNow();
		try {
			this.scheduler.awaitTermination(this.verifyTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Register a listener for every beat, for example to record metrics.
	 * @param listener the listener
	 */
	public void setListener(@Nullable Consumer<Beat> listener) {
		this.listener = listener;
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

	private void beat() {
		long start = System.nanoTime();
		Instant at = this.clock.instant();
		InstanceStatus health = null;
		if (this.statusSource != null) {
			health = evaluateHealth(nextEvaluation());
			apply(health);
		}
		String failure = null;
		try {
			this.registrar.verify().get(this.verifyTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			failure = (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage();
		}
		catch (TimeoutException ex) {
			failure = "no answer from etcd within " + this.verifyTimeout.toMillis() + "ms";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.consecutiveFailures = (failure != null) ? this.consecutiveFailures + 1 : 0;
		Beat beat = new Beat(at, failure == null, failure, Duration.ofNanos(System.nanoTime() - start), health,
				this.statusPublisher.getEffectiveStatus());
		this.lastBeat = beat;
		Consumer<Beat> current = this.listener;
		if (current != null) {
			current.accept(beat);
		}
	}

	private Future<InstanceStatus> nextEvaluation() {
		Future<InstanceStatus> pending = this.pendingEvaluation;
		if (pending != null && !pending.isDone()) {
			// The previous check still hangs: do not pile up another one behind it.
			return pending;
		}
		Future<InstanceStatus> next = this.healthExecutor.submit(this.statusSource::evaluate);
		this.pendingEvaluation = next;
		return next;
	}

	private InstanceStatus evaluateHealth(Future<InstanceStatus> evaluation) {
		try {
			return evaluation.get(this.healthTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			if (this.candidate != InstanceStatus.DOWN) {
				logger.warn("Health check did not answer within %dms: counting it as DOWN"
					.formatted(this.healthTimeout.toMillis()));
			}
			return InstanceStatus.DOWN;
		}
		catch (ExecutionException ex) {
			logger.warn("Health check failed (%s): counting it as DOWN".formatted(EtcdErrors.describe(ex)));
			return InstanceStatus.DOWN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return InstanceStatus.DOWN;
		}
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

	/**
	 * One heartbeat.
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
