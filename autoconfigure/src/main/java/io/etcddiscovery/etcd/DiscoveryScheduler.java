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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * The threads that registration, the discovery cache, the heartbeat and the discovery
 * events run on, shared by every object of this library in one application context and
 * closed with it.
 * <p>
 * Two roles: one timer thread ({@value #TIMER_THREAD_NAME_PREFIX}1), which only hands
 * delayed tasks over when they are due, and workers
 * ({@value #WORKER_THREAD_NAME_PREFIX}N), which run the tasks. Workers are started when
 * tasks wait and no worker is idle, up to a maximum, and end after
 * {@value #KEEP_ALIVE_SECONDS}s without work: an application with one registration runs
 * on one or two of them, a JVM with a thousand registrations on at most the maximum.
 * Tasks may wait for etcd (every call has a deadline), which is why the timer never runs
 * them itself.
 * <p>
 * Objects keep their state confined with a {@link SerialExecutor} each on top of this
 * scheduler: one task at a time per object, many objects at once.
 *
 * @author etcd-discovery authors
 */
public final class DiscoveryScheduler implements AutoCloseable {

	/**
	 * Prefix of the names of the worker threads.
	 */
	public static final String WORKER_THREAD_NAME_PREFIX = "etcd-discovery-worker-";

	/**
	 * Prefix of the name of the timer thread.
	 */
	public static final String TIMER_THREAD_NAME_PREFIX = "etcd-discovery-timer-";

	/**
	 * The default maximum number of worker threads.
	 */
	public static final int DEFAULT_MAX_WORKERS = 16;

	static final long KEEP_ALIVE_SECONDS = 30;

	private static final Log logger = LogFactory.getLog(DiscoveryScheduler.class);

	private static final long CLOSE_TIMEOUT_MILLIS = 5000;

	private final ScheduledThreadPoolExecutor timer;

	private final ThreadPoolExecutor workers;

	/**
	 * Create a scheduler with at most {@value #DEFAULT_MAX_WORKERS} workers.
	 */
	public DiscoveryScheduler() {
		this(DEFAULT_MAX_WORKERS);
	}

	/**
	 * Create a scheduler.
	 * @param maxWorkers the most worker threads that run at once
	 */
	public DiscoveryScheduler(int maxWorkers) {
		Assert.isTrue(maxWorkers >= 1, "'maxWorkers' must be at least 1");
		this.timer = new ScheduledThreadPoolExecutor(1, daemon(TIMER_THREAD_NAME_PREFIX));
		this.timer.setRemoveOnCancelPolicy(true);
		this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.workers = ScalingThreadPool.create(WORKER_THREAD_NAME_PREFIX, maxWorkers,
				Duration.ofSeconds(KEEP_ALIVE_SECONDS));
	}

	private static CustomizableThreadFactory daemon(String prefix) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(prefix);
		threadFactory.setDaemon(true);
		return threadFactory;
	}

	/**
	 * Return a new serial executor: tasks given to it run one at a time, in order, on
	 * this scheduler's workers.
	 * @param name what the executor serves, for log lines
	 * @return the executor
	 */
	public SerialExecutor serialExecutor(String name) {
		return new SerialExecutor(name, this);
	}

	/**
	 * Return how many worker threads run now.
	 * @return the number of workers
	 */
	public int getWorkerCount() {
		return this.workers.getPoolSize();
	}

	void execute(Runnable task) {
		this.workers.execute(task);
	}

	ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		return this.timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
	}

	boolean isClosed() {
		return this.workers.isShutdown();
	}

	/**
	 * Stop the threads: tasks that wait are dropped, running ones interrupted.
	 */
	@Override
	public void close() {
		this.timer.shutdownNow();
		this.workers.shutdownNow();
		try {
			if (!this.workers.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
					|| !this.timer.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
				logger.warn("A thread of etcd-discovery did not end within %dms".formatted(CLOSE_TIMEOUT_MILLIS));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
