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

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.Client;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.MemberFailover;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.etcd.StatusSource;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.registration.RegistrationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.system.JavaVersion;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EtcdClientAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class EtcdClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void defaultsCreateClientAndRegistration() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Client.class).hasSingleBean(InstanceLifecycle.class);
			RegistrationProperties properties = context.getBean(RegistrationProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.isRegister()).isTrue();
			assertThat(properties.getServiceName()).isNull();
			assertThat(properties.getInstanceId()).isNull();
			assertThat(properties.getNamespace()).isEqualTo("default");
			assertThat(properties.getTtl()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.isFailFast()).isFalse();
			assertThat(properties.isSecure()).isFalse();
			assertThat(properties.getMetadata()).isEmpty();
			EtcdProperties etcd = context.getBean(EtcdProperties.class);
			assertThat(etcd.getEndpoints()).containsExactly("http://127.0.0.1:2379");
			assertThat(etcd.getKeyPrefix()).isEqualTo("/services");
			assertThat(etcd.getUsername()).isNull();
			assertThat(etcd.getPassword()).isNull();
			assertThat(etcd.getSsl().getBundle()).isNull();
			assertThat(etcd.getConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(etcd.getRequestTimeout()).isNull();
			assertThat(etcd.getMemberTimeout()).isNull();
			assertThat(properties.getShutdown().getDrainDelay()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@ParameterizedTest(name = "ttl {0}")
	@CsvSource(delimiter = '|', textBlock = """
			PT2S  | PT2S | PT0.333S
			PT4S  | PT2S | PT0.666S
			PT6S  | PT3S | PT1S
			PT10S | PT5S | PT1.666S
			PT1M  | PT5S | PT10S
			""")
	void timeoutsFollowTheTtlWhenNotSet(Duration ttl, Duration requestTimeout, Duration memberTimeout) {
		this.contextRunner.withPropertyValues("discovery.ttl=" + ttl.toMillis() + "ms").run((context) -> {
			RegistrationProperties properties = context.getBean(RegistrationProperties.class);
			EtcdProperties etcd = context.getBean(EtcdProperties.class);
			assertThat(EtcdTimeouts.requestTimeout(etcd, properties.getTtl())).isEqualTo(requestTimeout);
			assertThat(EtcdTimeouts.memberTimeout(etcd, properties.getTtl())).isEqualTo(memberTimeout);
			assertThat(context.getBean(RegistrationStore.class).getRequestTimeout()).isEqualTo(requestTimeout);
			assertThat(context.getBean(MemberFailover.class).getMemberTimeout()).isEqualTo(memberTimeout);
		});
	}

	@Test
	void timeoutsThatAreSetWin() {
		this.contextRunner
			.withPropertyValues("discovery.ttl=4s", "discovery.etcd.request-timeout=3s",
					"discovery.etcd.member-timeout=1s")
			.run((context) -> {
				assertThat(context.getBean(RegistrationStore.class).getRequestTimeout())
					.isEqualTo(Duration.ofSeconds(3));
				assertThat(context.getBean(MemberFailover.class).getMemberTimeout()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void failoverIsInstalledWithSeveralEndpointsOnly() {
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:2")
			.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isTrue());
		// The same member twice is one member.
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:1")
			.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isFalse());
		this.contextRunner.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isFalse());
	}

	@Test
	void namespaceIsReadFromTheEnvironmentVariableName() {
		this.contextRunner
			.withInitializer(
					(context) -> context.getEnvironment()
						.getPropertySources()
						.addFirst(new SystemEnvironmentPropertySource(
								StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("DISCOVERY_NAMESPACE", "staging"))))
			.run((context) -> assertThat(context.getBean(RegistrationProperties.class).getNamespace())
				.isEqualTo("staging"));
	}

	@Test
	void connectionDetailsComeFromThePropertiesUnlessABeanSuppliesThem() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.endpoints=http://10.0.0.1:2379", "discovery.etcd.username=alice",
					"discovery.etcd.password=secret")
			.run((context) -> {
				EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
				assertThat(details).isInstanceOf(PropertiesEtcdConnectionDetails.class);
				assertThat(details.getEndpoints()).containsExactly("http://10.0.0.1:2379");
				assertThat(details.getUsername()).isEqualTo("alice");
				assertThat(details.getPassword()).isEqualTo("secret");
				assertThat(details.getSslBundle()).isNull();
			});
		this.contextRunner.withBean(EtcdConnectionDetails.class, () -> () -> List.of("http://10.9.9.9:2379"))
			.run((context) -> {
				assertThat(context).hasSingleBean(EtcdConnectionDetails.class)
					.doesNotHaveBean(PropertiesEtcdConnectionDetails.class);
				assertThat(context.getBean(EtcdConnectionDetails.class).getEndpoints())
					.containsExactly("http://10.9.9.9:2379");
			});
	}

	@Test
	void theSharedPiecesAreOneBeanEach() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(KeyLayout.class).hasSingleBean(Backoff.class);
			assertThat(context.getBean(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME))
				.isInstanceOf(ConcurrentTaskScheduler.class);
			assertThat(context.getBean(EtcdClientAutoConfiguration.TASK_EXECUTOR_BEAN_NAME))
				.isInstanceOf(ThreadPoolTaskExecutor.class);
			assertThat(context.getBean(EtcdClientAutoConfiguration.TIMER_BEAN_NAME))
				.isInstanceOf(ThreadPoolTaskScheduler.class);
			assertThat(context.getBean(EtcdClientAutoConfiguration.CLIENT_EXECUTOR_BEAN_NAME))
				.isInstanceOf(ThreadPoolTaskExecutor.class);
			assertThat(context.getBean(EtcdClientAutoConfiguration.MEMBER_WATCHDOG_BEAN_NAME))
				.isInstanceOf(ThreadPoolTaskScheduler.class);
		});
	}

	@Test
	void theThreadsAreNotPickedUpByTypeSoBootStillMakesItsOwn() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(SchedulingConfiguration.class)
			.run((context) -> {
				assertThat(context).hasBean("taskScheduler").hasBean("applicationTaskExecutor");
				// What @Scheduled and an injection by type get.
				assertThat(context.getBean(TaskScheduler.class)).isSameAs(context.getBean("taskScheduler"));
			});
	}

	@Test
	void workersStartAsTasksWaitUpToSixteenAndOneTimerHandsDelayedTasksOver() {
		this.contextRunner.run((context) -> {
			TaskScheduler scheduler = scheduler(context);
			int executors = EtcdClientAutoConfiguration.MAX_WORKERS + 4;
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger started = new AtomicInteger();
			List<Thread> workers = new CopyOnWriteArrayList<>();
			List<CompletableFuture<Boolean>> blocked = new ArrayList<>();
			for (int i = 0; i < executors; i++) {
				blocked.add(new SerialExecutor("blocked-" + i, scheduler).submit(() -> {
					workers.add(Thread.currentThread());
					started.incrementAndGet();
					return release.await(30, TimeUnit.SECONDS);
				}));
			}
			// The maximum starts, and the rest waits for it.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> started.get() == EtcdClientAutoConfiguration.MAX_WORKERS);
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(2))
				.until(() -> started.get() == EtcdClientAutoConfiguration.MAX_WORKERS);
			assertThat(
					context.getBean(EtcdClientAutoConfiguration.TASK_EXECUTOR_BEAN_NAME, ThreadPoolTaskExecutor.class)
						.getPoolSize())
				.isEqualTo(EtcdClientAutoConfiguration.MAX_WORKERS);
			release.countDown();
			assertThat(CompletableFuture.allOf(blocked.toArray(CompletableFuture[]::new)))
				.succeedsWithin(Duration.ofSeconds(10));
			Set<String> workerNames = names(workers);
			assertThat(workerNames).hasSize(EtcdClientAutoConfiguration.MAX_WORKERS)
				.allMatch((name) -> name.startsWith(EtcdClientAutoConfiguration.WORKER_THREAD_NAME_PREFIX));
			List<Thread> timers = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 5; i++) {
				scheduler.schedule(() -> timers.add(Thread.currentThread()), Instant.now().plusMillis(10 * i));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> timers.size() == 5);
			assertThat(names(timers)).containsExactly(EtcdClientAutoConfiguration.TIMER_THREAD_NAME_PREFIX + "1");
		});
	}

	@Test
	void aWorkerStartsOnlyWhenNoWorkerIsIdle() {
		this.contextRunner.run((context) -> {
			SerialExecutor executor = new SerialExecutor("one after another", scheduler(context));
			List<Thread> workers = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 20; i++) {
				executor.schedule(() -> workers.add(Thread.currentThread()), Duration.ofMillis(50L * i));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> workers.size() == 20);
			// Each task came once the one before was done: one worker ran them all (two
			// if a task came before that worker was waiting again).
			assertThat(names(workers)).hasSizeBetween(1, 2);
		});
	}

	@Test
	void closingTheContextEndsTheThreads() {
		this.contextRunner.run((context) -> {
			TaskScheduler scheduler = scheduler(context);
			SerialExecutor executor = new SerialExecutor("any", scheduler);
			List<Thread> threads = new CopyOnWriteArrayList<>();
			scheduler.schedule(() -> threads.add(Thread.currentThread()), Instant.now().plusMillis(10));
			await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() == 1);
			assertThat(executor.submit(() -> threads.add(Thread.currentThread())))
				.succeedsWithin(Duration.ofSeconds(10));
			context.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
			assertThatExceptionOfType(RejectedExecutionException.class)
				.isThrownBy(() -> new SerialExecutor("late", scheduler).execute(() -> {
				}));
		});
	}

	@Test
	void delaysStillRunWhileTheContextCloses() {
		// Deregistration waits its drain delay in a lifecycle's stop, after
		// ContextClosedEvent.
		AtomicReference<Object> outcome = new AtomicReference<>();
		this.contextRunner.withBean(DelayingLifecycle.class, () -> new DelayingLifecycle(outcome)).run((context) -> {
			context.getBean(DelayingLifecycle.class).scheduler = scheduler(context);
			context.close();
			assertThat(outcome.get()).isEqualTo("waited");
		});
	}

	@Test
	void threadsAreVirtualWhenEnabledOnJava21OrLater() {
		boolean virtual = JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE);
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			SerialExecutor executor = new SerialExecutor("any", scheduler(context));
			AtomicReference<Thread> worker = new AtomicReference<>();
			AtomicReference<Thread> timer = new AtomicReference<>();
			scheduler(context).schedule(() -> timer.set(Thread.currentThread()), Instant.now().plusMillis(10));
			await().atMost(Duration.ofSeconds(10)).until(() -> timer.get() != null);
			assertThat(executor.submit(() -> {
				worker.set(Thread.currentThread());
				return true;
			})).succeedsWithin(Duration.ofSeconds(10));
			assertThat(isVirtual(worker.get())).as(worker.get().toString()).isEqualTo(virtual);
			assertThat(worker.get().getName()).startsWith(EtcdClientAutoConfiguration.WORKER_THREAD_NAME_PREFIX);
			assertThat(isVirtual(timer.get())).as(timer.get().toString()).isEqualTo(virtual);
			assertThat(timer.get().getName()).startsWith(EtcdClientAutoConfiguration.TIMER_THREAD_NAME_PREFIX);
		});
		this.contextRunner.run((context) -> {
			AtomicReference<Thread> worker = new AtomicReference<>();
			assertThat(new SerialExecutor("any", scheduler(context)).submit(() -> {
				worker.set(Thread.currentThread());
				return true;
			})).succeedsWithin(Duration.ofSeconds(10));
			assertThat(isVirtual(worker.get())).isFalse();
		});
	}

	@Test
	void healthIsEvaluatedOnOneThreadOfTheContextThatEndsWithIt() {
		List<Thread> evaluators = new CopyOnWriteArrayList<>();
		StatusSource source = () -> {
			evaluators.add(Thread.currentThread());
			return InstanceStatus.UP;
		};
		this.contextRunner.withBean(StatusSource.class, () -> source).run((context) -> {
			assertThat(context.getBean(DiscoveryRegistrationAutoConfiguration.HEALTH_EXECUTOR_BEAN_NAME))
				.isInstanceOf(ThreadPoolTaskExecutor.class);
			HealthCheckLoop loop = context.getBean(HealthCheckLoop.class);
			loop.evaluateNow();
			loop.evaluateNow();
			assertThat(evaluators).hasSize(2);
			assertThat(names(evaluators)).containsExactly(HealthCheckLoop.HEALTH_THREAD_NAME_PREFIX + "1");
			assertThat(isVirtual(evaluators.get(0))).isFalse();
			context.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> evaluators.stream().noneMatch(Thread::isAlive));
		});
		boolean virtual = JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE);
		evaluators.clear();
		this.contextRunner.withBean(StatusSource.class, () -> source)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> {
				context.getBean(HealthCheckLoop.class).evaluateNow();
				assertThat(evaluators).hasSize(1);
				assertThat(isVirtual(evaluators.get(0))).as(evaluators.get(0).toString()).isEqualTo(virtual);
				assertThat(evaluators.get(0).getName()).startsWith(HealthCheckLoop.HEALTH_THREAD_NAME_PREFIX);
			});
	}

	@Test
	void backsOffToTheUsersThreadsOfTheSameName() {
		this.contextRunner.withUserConfiguration(UserWorkersConfiguration.class).run((context) -> {
			AtomicReference<String> thread = new AtomicReference<>();
			assertThat(new SerialExecutor("any", scheduler(context)).submit(() -> {
				thread.set(Thread.currentThread().getName());
				return true;
			})).succeedsWithin(Duration.ofSeconds(10));
			assertThat(thread.get()).startsWith("user-worker-");
			assertThat(context.getBean(EtcdClientAutoConfiguration.TASK_EXECUTOR_BEAN_NAME))
				.isSameAs(context.getBean(UserWorkersConfiguration.class).workers);
		});
	}

	private static TaskScheduler scheduler(AssertableApplicationContext context) {
		return context.getBean(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME, TaskScheduler.class);
	}

	private static Set<String> names(List<Thread> threads) {
		Set<String> names = new HashSet<>();
		threads.forEach((thread) -> names.add(thread.getName()));
		return names;
	}

	// Thread.isVirtual() is Java 21 API; this code is compiled for Java 17.
	private static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Client.class)
				.doesNotHaveBean(InstanceLifecycle.class)
				.doesNotHaveBean(RegistrationProperties.class));
	}

	@Test
	void registrationDisabledKeepsTheClient() {
		this.contextRunner.withPropertyValues("discovery.register=false")
			.run((context) -> assertThat(context).hasSingleBean(Client.class).doesNotHaveBean(InstanceLifecycle.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAClient() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Client.class);
			assertThat(context.getBean(Client.class)).isSameAs(context.getBean("userClient"));
			assertThat(context).hasSingleBean(InstanceLifecycle.class);
			assertThat(context).doesNotHaveBean(MemberFailover.class)
				.doesNotHaveBean(EtcdClientAutoConfiguration.CLIENT_EXECUTOR_BEAN_NAME)
				.doesNotHaveBean(EtcdClientAutoConfiguration.MEMBER_WATCHDOG_BEAN_NAME);
		});
	}

	@Test
	void backsOffWithoutJetcd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Client.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InstanceLifecycle.class)
				.doesNotHaveBean("etcdClient"));
	}

	@Test
	void customizersSeeTheConfiguredBuilderInOrder() {
		List<String> calls = new ArrayList<>();
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:2390")
			.withBean("second", EtcdClientBuilderCustomizer.class,
					() -> new OrderedCustomizer(2, (builder) -> calls.add("second " + builder.target())))
			.withBean("first", EtcdClientBuilderCustomizer.class,
					() -> new OrderedCustomizer(1, (builder) -> calls.add("first " + builder.target())))
			.run((context) -> {
				assertThat(context).hasSingleBean(Client.class);
				// Each customizer sees the builder with the configured endpoints, in
				// order.
				assertThat(calls).containsExactly("first ip:///127.0.0.1:2390", "second ip:///127.0.0.1:2390");
			});
	}

	record OrderedCustomizer(int order,
			EtcdClientBuilderCustomizer delegate) implements EtcdClientBuilderCustomizer, Ordered {

		@Override
		public void customize(io.etcd.jetcd.ClientBuilder builder) {
			this.delegate.customize(builder);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@Test
	void sslBundleIsUsedForTls() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.endpoints=https://127.0.0.1:2379", "discovery.etcd.ssl.bundle=etcd",
					"spring.ssl.bundle.jks.etcd.truststore.location=classpath:test-truststore.p12",
					"spring.ssl.bundle.jks.etcd.truststore.password=secret",
					"spring.ssl.bundle.jks.etcd.truststore.type=PKCS12")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Client.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean(destroyMethod = "close")
		Client userClient() {
			return Client.builder().endpoints("http://127.0.0.1:1").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWorkersConfiguration {

		final ThreadPoolTaskExecutor workers = new ThreadPoolTaskExecutor();

		@Bean(EtcdClientAutoConfiguration.TASK_EXECUTOR_BEAN_NAME)
		ThreadPoolTaskExecutor userWorkers() {
			this.workers.setThreadNamePrefix("user-worker-");
			return this.workers;
		}

	}

	/**
	 * Waits for a delay on the discovery scheduler when it stops, in the phase of
	 * deregistration.
	 */
	static class DelayingLifecycle implements SmartLifecycle {

		private final AtomicReference<Object> outcome;

		volatile TaskScheduler scheduler;

		private volatile boolean running;

		DelayingLifecycle(AtomicReference<Object> outcome) {
			this.outcome = outcome;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			try {
				this.outcome.set(new SerialExecutor("stopping", this.scheduler).after(Duration.ofMillis(100))
					.thenApply((passed) -> "waited")
					.get(10, TimeUnit.SECONDS));
			}
			catch (Exception ex) {
				this.outcome.set(ex);
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return InstanceLifecycle.PHASE;
		}

	}

}
