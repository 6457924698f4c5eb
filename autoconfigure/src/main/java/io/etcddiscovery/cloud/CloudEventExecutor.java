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
package io.etcddiscovery.cloud;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The one named thread that publishes Spring Cloud's discovery events
 * ({@code HeartbeatEvent}, {@code InstanceRegisteredEvent}), owned by the application
 * context: consumers such as Gateway's route refresh and Spring Boot Admin's discovery
 * run on it, never on jetcd's threads nor on the cache's or the registrar's. Deliberately
 * not an {@link java.util.concurrent.Executor} bean, so that nothing else in the context
 * picks it up.
 *
 * @author etcd-discovery authors
 */
public final class CloudEventExecutor implements AutoCloseable {

	/**
	 * Prefix of the name of the thread.
	 */
	public static final String THREAD_NAME_PREFIX = "etcd-discovery-cloud-events-";

	private static final Log logger = LogFactory.getLog(CloudEventExecutor.class);

	private final ScheduledThreadPoolExecutor executor;

	/**
	 * Create a new executor and its thread.
	 */
	public CloudEventExecutor() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(THREAD_NAME_PREFIX);
		threads.setDaemon(true);
		this.executor = new ScheduledThreadPoolExecutor(1, threads);
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	void execute(Runnable task) {
		schedule(task, Duration.ZERO);
	}

	void schedule(Runnable task, Duration delay) {
		try {
			this.executor.schedule(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					// A failing event listener of the application: worth its stack trace.
					logger.warn("Publishing a discovery event failed", ex);
				}
			}, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the context is shutting down.
		}
	}

	/**
	 * Stop the thread, interrupting an event under way.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				logger.warn("The discovery event thread did not end within 5s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
