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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcddiscovery.client.DeferredEtcdClient;
import io.etcddiscovery.client.EtcdConnectionWarmUp;
import io.etcddiscovery.client.EtcdTarget;
import io.etcddiscovery.client.ScalingTaskExecutor;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.MemberFailover;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Auto-configuration of the jetcd {@link Client} used to register and discover services,
 * and of what registration and discovery share: the {@link TaskScheduler} whose threads
 * they run on, the {@link KeyLayout} and the {@link Backoff} of their retries. The client
 * connects with the {@link EtcdConnectionDetails} (from {@code discovery.etcd.*} unless a
 * container or a platform supplies them).
 * <p>
 * The threads are Spring's executors, beans of the context: named, shut down when it
 * closes (after the beans that use them), each replaced by a bean of the same name. With
 * {@code spring.threads.virtual.enabled} on Java 21 or later (Boot's
 * {@link org.springframework.boot.thread.Threading#VIRTUAL}) they are virtual threads, in
 * pools of the same bounds. They are not default candidates, so that nothing else picks
 * them up by type: Boot still creates its {@code taskScheduler} and
 * {@code applicationTaskExecutor} for {@code @Scheduled} and {@code @Async}. They keep
 * taking tasks after the context starts closing ({@code acceptTasksAfterContextClose}):
 * deregistration runs in a lifecycle's stop, after {@code ContextClosedEvent}, and waits
 * its drain delay on the timer. Not Boot's builders, whose {@code spring.task.*} settings
 * and customizers are the application's, and not {@link SimpleAsyncTaskScheduler}, which
 * refuses new delays from {@code ContextClosedEvent} on.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnEtcdDiscoveryEnabled
@EnableConfigurationProperties({ RegistrationProperties.class, EtcdProperties.class })
public final class EtcdClientAutoConfiguration {

	/**
	 * Name of the {@link TaskScheduler} bean that registration, discovery and the
	 * discovery events run on: the timer's delays and the workers' tasks.
	 */
	public static final String TASK_SCHEDULER_BEAN_NAME = "etcdDiscoveryTaskScheduler";

	/**
	 * Name of the bean of the workers ({@code etcd-discovery-worker-N}) that run the
	 * tasks of {@link #TASK_SCHEDULER_BEAN_NAME}.
	 */
	public static final String TASK_EXECUTOR_BEAN_NAME = "etcdDiscoveryTaskExecutor";

	/**
	 * Name of the bean of the timer ({@code etcd-discovery-timer-1}) that hands the
	 * delayed tasks of {@link #TASK_SCHEDULER_BEAN_NAME} to the workers when due.
	 */
	public static final String TIMER_BEAN_NAME = "etcdDiscoveryTimer";

	/**
	 * Name of the bean of the etcd client's threads ({@code etcd-discovery-client-N}).
	 */
	public static final String CLIENT_EXECUTOR_BEAN_NAME = "etcdClientExecutor";

	/**
	 * Name of the bean of the thread that times the client's calls and probes members
	 * ({@code etcd-discovery-member-watchdog-1}).
	 */
	public static final String MEMBER_WATCHDOG_BEAN_NAME = "etcdMemberWatchdog";

	static final String WORKER_THREAD_NAME_PREFIX = "etcd-discovery-worker-";

	static final String TIMER_THREAD_NAME_PREFIX = "etcd-discovery-timer-";

	static final String CLIENT_THREAD_NAME_PREFIX = "etcd-discovery-client-";

	static final String WATCHDOG_THREAD_NAME_PREFIX = "etcd-discovery-member-watchdog-";

	// Tasks may wait for etcd, each up to its deadline (listings, key checks, status
	// writes), while a registration waiting for etcd holds no thread (SerialExecutor's
	// submitAsync): 16 keeps a JVM with thousands of registrations at 16 workers and
	// leaves some free while a few wait for a slow member.
	static final int MAX_WORKERS = 16;

	static final Duration WORKER_KEEP_ALIVE = Duration.ofSeconds(30);

	// jetcd's callbacks never block, but a thousand calls in flight would start a thread
	// each on jetcd's default executor (a cached pool without bound).
	static final int MAX_CLIENT_THREADS = 8;

	static final Duration CLIENT_KEEP_ALIVE = Duration.ofSeconds(60);

	@Bean(name = TASK_EXECUTOR_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TASK_EXECUTOR_BEAN_NAME)
	ThreadPoolTaskExecutor etcdDiscoveryTaskExecutor(Environment environment) {
		return DiscoveryThreads.pool(WORKER_THREAD_NAME_PREFIX, MAX_WORKERS, WORKER_KEEP_ALIVE, environment);
	}

	@Bean(name = TIMER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TIMER_BEAN_NAME)
	ThreadPoolTaskScheduler etcdDiscoveryTimer(Environment environment) {
		// One thread: it only hands due tasks to the workers and never runs them, so it
		// never waits for etcd.
		return DiscoveryThreads.timer(TIMER_THREAD_NAME_PREFIX, environment);
	}

	@Bean(name = TASK_SCHEDULER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TASK_SCHEDULER_BEAN_NAME)
	ConcurrentTaskScheduler etcdDiscoveryTaskScheduler(@Qualifier(TASK_EXECUTOR_BEAN_NAME) Executor workers,
			@Qualifier(TIMER_BEAN_NAME) ThreadPoolTaskScheduler timer) {
		// The workers run what SerialExecutors hand over; the timer runs what falls due,
		// which for a SerialExecutor is only handing a task over.
		return new ConcurrentTaskScheduler(workers, timer.getScheduledExecutor());
	}

	@Bean
	@ConditionalOnMissingBean
	KeyLayout etcdKeyLayout(EtcdProperties etcd) {
		return new KeyLayout(etcd.getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	Backoff discoveryBackoff(RegistrationProperties properties) {
		RetryProperties retry = properties.getRetry();
		return new Backoff(retry.getInitialInterval(), retry.getMaxInterval(), retry.getMultiplier());
	}

	@Bean
	@ConditionalOnMissingBean(EtcdConnectionDetails.class)
	PropertiesEtcdConnectionDetails etcdConnectionDetails(EtcdProperties etcd, ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesEtcdConnectionDetails(etcd, sslBundles.getIfAvailable());
	}

	@Bean(name = CLIENT_EXECUTOR_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(value = Client.class, name = CLIENT_EXECUTOR_BEAN_NAME)
	ThreadPoolTaskExecutor etcdClientExecutor(Environment environment) {
		ScalingTaskExecutor pool = DiscoveryThreads.pool(CLIENT_THREAD_NAME_PREFIX, MAX_CLIENT_THREADS,
				CLIENT_KEEP_ALIVE, environment);
		pool.setRunOnCallerAfterShutdown(true);
		return pool;
	}

	@Bean(name = MEMBER_WATCHDOG_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(value = Client.class, name = MEMBER_WATCHDOG_BEAN_NAME)
	ThreadPoolTaskScheduler etcdMemberWatchdog(Environment environment) {
		// One thread of its own, so that it runs while every other thread waits for a
		// hung member.
		return DiscoveryThreads.timer(WATCHDOG_THREAD_NAME_PREFIX, environment);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(Client.class)
	MemberFailover etcdMemberFailover(RegistrationProperties properties, EtcdProperties etcd,
			@Qualifier(MEMBER_WATCHDOG_BEAN_NAME) ThreadPoolTaskScheduler watchdog) {
		return new MemberFailover(EtcdTimeouts.memberTimeout(etcd, properties.getTtl()),
				EtcdTimeouts.idleWatchInterval(properties.getTtl()), watchdog.getScheduledExecutor());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Client etcdClient(EtcdConnectionDetails connectionDetails, RegistrationProperties properties, EtcdProperties etcd,
			KeyLayout etcdKeyLayout, @Qualifier(CLIENT_EXECUTOR_BEAN_NAME) ThreadPoolTaskExecutor clientExecutor,
			ObjectProvider<MemberFailover> memberFailover, ObjectProvider<EtcdClientBuilderCustomizer> customizers) {
		List<String> endpoints = connectionDetails.getEndpoints();
		ClientBuilder builder = Client.builder()
			.target(EtcdTarget.of(endpoints))
			// Threads named after this library and shut down with the context (after the
			// client: a closed client then refuses calls at once).
			.executorService(clientExecutor.getThreadPoolExecutor())
			.connectTimeout(etcd.getConnectTimeout())
			// Fail calls at once while no endpoint is reachable instead of queueing them:
			// every caller retries on its own schedule.
			.waitForReady(false)
			.interceptor(callbacksOn(clientExecutor));
		String username = connectionDetails.getUsername();
		String password = connectionDetails.getPassword();
		if (username != null && password != null) {
			builder.user(ByteSequence.from(username.getBytes(StandardCharsets.UTF_8)));
			builder.password(ByteSequence.from(password.getBytes(StandardCharsets.UTF_8)));
		}
		SslContext sslContext = sslContext(endpoints, connectionDetails.getSslBundle());
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		MemberFailover failover = memberFailover.getIfAvailable();
		if (failover != null && EtcdTarget.addresses(endpoints) > 1) {
			// With one member there is nowhere to move to.
			failover.configure(builder);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		String warmUpKey = etcdKeyLayout.namespacePrefix(properties.getNamespace());
		Duration warmUpTimeout = etcd.getConnectTimeout().plus(EtcdTimeouts.requestTimeout(etcd, properties.getTtl()));
		// Built, and connected, beside the rest of the start-up, once the context's
		// singletons are created.
		return new DeferredEtcdClient(builder,
				(client) -> EtcdConnectionWarmUp.connect(client, warmUpKey, warmUpTimeout), clientExecutor);
	}

	// jetcd gives its executor to its own futures but not to its gRPC channel, whose
	// callbacks would otherwise run on gRPC's shared default executor, a pool without
	// bound that nobody closes.
	private static ClientInterceptor callbacksOn(Executor executor) {
		return new ClientInterceptor() {

			@Override
			public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
					CallOptions callOptions, Channel next) {
				return next.newCall(method, callOptions.withExecutor(executor));
			}

		};
	}

	private @Nullable SslContext sslContext(List<String> endpoints, @Nullable SslBundle bundle) {
		if (bundle != null) {
			return sslContext(bundle);
		}
		if (endpoints.stream().anyMatch((endpoint) -> endpoint.trim().startsWith("https:"))) {
			return sslContext((SslBundle) null);
		}
		return null;
	}

	private SslContext sslContext(@Nullable SslBundle bundle) {
		try {
			// The JDK's TLS, which SSL bundles are made for: GrpcSslContexts.forClient()
			// would
			// probe for OpenSSL (netty-tcnative) first, and that System.loadLibrary call
			// prints a
			// native-access warning on Java 24 and later even when no native library is
			// there.
			SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
			if (bundle != null) {
				builder.trustManager(bundle.getManagers().getTrustManagerFactory());
				if (bundle.getStores().getKeyStore() != null) {
					builder.keyManager(bundle.getManagers().getKeyManagerFactory());
				}
				SslOptions options = bundle.getOptions();
				if (options.getEnabledProtocols() != null) {
					builder.protocols(options.getEnabledProtocols());
				}
				if (options.getCiphers() != null) {
					builder.ciphers(List.of(options.getCiphers()));
				}
			}
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not create the TLS context for etcd: " + ex.getMessage(), ex);
		}
	}

}
