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

package io.etcddiscovery.autoconfigure;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads of the auto-configured etcd client, named {@code etcd-discovery-client-N}
 * and owned by the application context: created with the client, shut down after it is
 * closed. Deliberately not an {@link java.util.concurrent.Executor} bean, so that nothing
 * else in the context picks it up.
 *
 * @author etcd-discovery authors
 */
public final class EtcdClientExecutor {

	/**
	 * Prefix of the names of the client's threads.
	 */
	public static final String THREAD_NAME_PREFIX = "etcd-discovery-client-";

	/**
	 * Prefix of the name of the thread that times the client's calls to find members that
	 * stopped answering.
	 */
	public static final String WATCHDOG_THREAD_NAME_PREFIX = "etcd-discovery-member-watchdog-";

	private final ThreadPoolExecutor executor;

	private final ScheduledThreadPoolExecutor watchdog;

	EtcdClientExecutor() {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(THREAD_NAME_PREFIX);
		threadFactory.setDaemon(true);
		// Grows with demand and shrinks when idle, like jetcd's own default executor.
		this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				threadFactory);
		CustomizableThreadFactory watchdogThreadFactory = new CustomizableThreadFactory(WATCHDOG_THREAD_NAME_PREFIX);
		watchdogThreadFactory.setDaemon(true);
		this.watchdog = new ScheduledThreadPoolExecutor(1, watchdogThreadFactory);
		this.watchdog.setRemoveOnCancelPolicy(true);
	}

	ExecutorService executorService() {
		return this.executor;
	}

	ScheduledExecutorService watchdogScheduler() {
		return this.watchdog;
	}

	void shutdown() {
		this.watchdog.shutdownNow();
		this.executor.shutdownNow();
	}

}
