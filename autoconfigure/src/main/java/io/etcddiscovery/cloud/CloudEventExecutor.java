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

import io.etcddiscovery.etcd.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.TaskScheduler;

/**
 * Where Spring Cloud's discovery events ({@code HeartbeatEvent},
 * {@code InstanceRegisteredEvent}) are published, one at a time, in order, on the
 * context's shared {@link TaskScheduler}: consumers such as Gateway's route refresh and
 * Spring Boot Admin's discovery run there, never on jetcd's threads nor on the cache's or
 * the registrar's executor. Deliberately not an {@link java.util.concurrent.Executor}
 * bean, so that nothing else in the context picks it up.
 *
 * @author etcd-discovery authors
 */
public final class CloudEventExecutor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(CloudEventExecutor.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final SerialExecutor executor;

	/**
	 * Create a new executor.
	 * @param scheduler the threads events are published on
	 */
	public CloudEventExecutor(TaskScheduler scheduler) {
		this.executor = new SerialExecutor("discovery events", scheduler);
	}

	void execute(Runnable task) {
		schedule(task, Duration.ZERO);
	}

	void schedule(Runnable task, Duration delay) {
		Runnable guarded = () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// A failing event listener of the application: worth its stack trace.
				logger.warn("Publishing a discovery event failed", ex);
			}
		};
		try {
			if (delay.isZero()) {
				this.executor.execute(guarded);
			}
			else {
				this.executor.schedule(guarded, delay);
			}
		}
		catch (RejectedExecutionException ex) {
			// Closed: the context is shutting down.
		}
	}

	/**
	 * Stop publishing, interrupting an event under way.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
		if (!this.executor.awaitTermination(CLOSE_TIMEOUT)) {
			logger.warn("A discovery event listener did not return within 5s");
		}
	}

}
