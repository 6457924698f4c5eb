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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;

import io.etcddiscovery.etcd.ScalingThreadPool;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

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

	/**
	 * The most threads of the client that run at once.
	 */
	static final int MAX_THREADS = 8;

	private final ThreadPoolExecutor executor;

	private final ScheduledThreadPoolExecutor watchdog;

	EtcdClientExecutor() {
		// Grows with demand and shrinks when idle, like jetcd's own default executor, but
		// never past MAX_THREADS: a thousand calls in flight (registrations waiting for
		// etcd without a thread of their own) would otherwise start a thread each for
		// their callbacks, which never block.
		this.executor = ScalingThreadPool.create(THREAD_NAME_PREFIX, MAX_THREADS, Duration.ofSeconds(60));
		CustomizableThreadFactory watchdogThreadFactory = new CustomizableThreadFactory(WATCHDOG_THREAD_NAME_PREFIX);
		watchdogThreadFactory.setDaemon(true);
		this.watchdog = new ScheduledThreadPoolExecutor(1, watchdogThreadFactory);
		this.watchdog.setRemoveOnCancelPolicy(true);
	}

	ExecutorService executorService() {
		return this.executor;
	}

	/**
	 * Return an interceptor that runs the callbacks of every call of the client on these
	 * threads. jetcd gives its executor to its own futures but not to its gRPC channel,
	 * whose callbacks would otherwise run on gRPC's shared default executor, a pool
	 * without bound that nobody closes.
	 * @return the interceptor
	 */
	ClientInterceptor callbacks() {
		return new ClientInterceptor() {

			@Override
			public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
					CallOptions callOptions, Channel next) {
				return next.newCall(method, callOptions.withExecutor(EtcdClientExecutor.this.executor));
			}

		};
	}

	ScheduledExecutorService watchdogScheduler() {
		return this.watchdog;
	}

	void shutdown() {
		this.watchdog.shutdownNow();
		this.executor.shutdownNow();
	}

}
