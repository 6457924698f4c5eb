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

import java.time.Duration;

import io.etcddiscovery.client.ScalingTaskExecutor;

import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The settings every thread of this library shares, in one place for the beans that
 * create them: named after the library, daemon threads, virtual when Boot's
 * {@code spring.threads.virtual.enabled} says so (Java 21+), and still accepting tasks
 * after {@code ContextClosedEvent}, since deregistration, the last beats and
 * load-balanced requests run while the context closes. The context shuts them down when
 * it destroys their beans.
 *
 * @author etcd-discovery authors
 */
public final class DiscoveryThreads {

	private DiscoveryThreads() {
	}

	/**
	 * Return a pool that starts a thread only when a task comes and none is idle.
	 * @param threadNamePrefix the prefix of its threads' names
	 * @param maxThreads the most threads it runs at once
	 * @param keepAlive how long an idle thread lives
	 * @param environment the environment, for virtual threads
	 * @return the pool, not initialized
	 */
	public static ScalingTaskExecutor pool(String threadNamePrefix, int maxThreads, Duration keepAlive,
			Environment environment) {
		ScalingTaskExecutor pool = new ScalingTaskExecutor(maxThreads);
		configure(pool, threadNamePrefix, environment);
		pool.setKeepAliveSeconds((int) keepAlive.toSeconds());
		return pool;
	}

	/**
	 * Return an executor of one thread, started with its first task.
	 * @param threadNamePrefix the prefix of its thread's name
	 * @param environment the environment, for virtual threads
	 * @return the executor, not initialized
	 */
	public static ThreadPoolTaskExecutor singleThread(String threadNamePrefix, Environment environment) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		configure(executor, threadNamePrefix, environment);
		executor.setCorePoolSize(1);
		executor.setMaxPoolSize(1);
		return executor;
	}

	/**
	 * Return a timer of one thread whose cancelled tasks leave its queue at once, not
	 * when they would have been due.
	 * @param threadNamePrefix the prefix of its thread's name
	 * @param environment the environment, for virtual threads
	 * @return the timer, not initialized
	 */
	public static ThreadPoolTaskScheduler timer(String threadNamePrefix, Environment environment) {
		ThreadPoolTaskScheduler timer = new ThreadPoolTaskScheduler();
		timer.setThreadNamePrefix(threadNamePrefix);
		timer.setDaemon(true);
		timer.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		timer.setPoolSize(1);
		timer.setRemoveOnCancelPolicy(true);
		timer.setAcceptTasksAfterContextClose(true);
		return timer;
	}

	private static void configure(ThreadPoolTaskExecutor executor, String threadNamePrefix, Environment environment) {
		executor.setThreadNamePrefix(threadNamePrefix);
		executor.setDaemon(true);
		executor.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
		executor.setAcceptTasksAfterContextClose(true);
	}

}
