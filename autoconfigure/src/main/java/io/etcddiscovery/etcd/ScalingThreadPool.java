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
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * A pool of named daemon threads that grows while tasks wait and no thread is idle, up to
 * a maximum, queues tasks beyond it, and lets threads end after a while without work. A
 * JDK {@link ThreadPoolExecutor} does not do this by itself: with a queue it never grows
 * past its core size, without one it grows without bound.
 *
 * @author etcd-discovery authors
 */
public final class ScalingThreadPool {

	private ScalingThreadPool() {
	}

	/**
	 * Create a pool.
	 * @param threadNamePrefix the prefix of its threads' names
	 * @param maxThreads the most threads it runs at once
	 * @param keepAlive how long a thread without work lives
	 * @return the pool, to shut down by its owner
	 */
	public static ThreadPoolExecutor create(String threadNamePrefix, int maxThreads, Duration keepAlive) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(threadNamePrefix);
		threadFactory.setDaemon(true);
		ScalingQueue queue = new ScalingQueue();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxThreads, keepAlive.toMillis(), TimeUnit.MILLISECONDS,
				queue, threadFactory, (task, executor) -> {
					// Every thread was started meanwhile: the task waits for one.
					if (executor.isShutdown()) {
						throw new RejectedExecutionException("Closed");
					}
					queue.force(task);
				});
		queue.executor = pool;
		return pool;
	}

	/**
	 * Hands a task to an idle thread if there is one, asks for a new thread while there
	 * are fewer than the maximum, and queues the task otherwise.
	 */
	private static final class ScalingQueue extends LinkedTransferQueue<Runnable> {

		private transient @Nullable ThreadPoolExecutor executor;

		@Override
		public boolean offer(Runnable task) {
			ThreadPoolExecutor pool = this.executor;
			// false makes the pool start a thread
			return tryTransfer(task)
					|| (pool != null && pool.getPoolSize() >= pool.getMaximumPoolSize() && super.offer(task));
		}

		void force(Runnable task) {
			super.offer(task);
		}

	}

}
