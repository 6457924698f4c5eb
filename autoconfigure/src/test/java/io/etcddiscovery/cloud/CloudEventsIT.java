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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.PutResponse;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.discovery.health.DiscoveryClientHealthIndicator;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud's discovery events as an application receives them, against a real etcd:
 * {@link HeartbeatEvent} only when instances change, one per burst, carrying the etcd
 * revision; {@link InstanceRegisteredEvent} once, which makes Spring Cloud's discovery
 * health leave UNKNOWN; the discovery health reporting what etcd does.
 *
 * @author etcd-discovery authors
 */
class CloudEventsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void deleteKeys() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void closeContexts() {
		Collections.reverse(this.contexts);
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void heartbeatEventOnlyWhenInstancesChange() {
		ConfigurableApplicationContext context = start("discovery.register=false",
				"discovery.client.change-event-delay=0s");
		ServiceCache cache = context.getBean(ServiceCache.class);
		Events events = context.getBean(Events.class);
		await().atMost(TIMEOUT).until(cache::isListed);
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			// etcd's revision moves, the namespace does not: a re-listing finds nothing
			// new.
			inspector.put("/elsewhere/key", "value", 0);
			cache.resync();
			await().atMost(TIMEOUT).until(() -> cache.stats().resyncs() == 1 && cache.stats().synced());
			// The watch broken and resumed by jetcd: nothing new either.
			etcd.restart();
			await().atMost(TIMEOUT).until(() -> cache.stats().connected());
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> events.heartbeats().isEmpty());
			assertThat(cache.getRevision()).isGreaterThan(1);
			// A real change: one event carrying its revision.
			inspector.put("/services/default/orders/o1", value("o1"), 0);
			long revision = inspector.key("/services/default/orders/o1").getModRevision();
			await().atMost(TIMEOUT).until(() -> !events.heartbeats().isEmpty());
			assertThat(events.heartbeats()).containsExactly(revision);
			assertThat(context.getBean(HeartbeatEventPublisher.class).getPublished()).isEqualTo(1);
		}
	}

	@Test
	void aBurstOfChangesIsOneHeartbeatEvent() {
		ConfigurableApplicationContext context = start("discovery.register=false",
				"discovery.client.change-event-delay=1s");
		ServiceCache cache = context.getBean(ServiceCache.class);
		Events events = context.getBean(Events.class);
		await().atMost(TIMEOUT).until(cache::isListed);
		Client client = context.getBean(Client.class);
		List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			puts.add(client.getKVClient()
				.put(ByteSequence.from("/services/default/burst-" + (i % 2) + "/b" + i, StandardCharsets.UTF_8),
						ByteSequence.from(value("b" + i), StandardCharsets.UTF_8)));
		}
		long last = puts.stream()
			.map(CompletableFuture::join)
			.mapToLong((put) -> put.getHeader().getRevision())
			.max()
			.orElseThrow();
		await().atMost(TIMEOUT).until(() -> !events.heartbeats().isEmpty());
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> events.heartbeats().size() == 1);
		assertThat(events.heartbeats()).containsExactly(last);
		assertThat(cache.services()).containsExactly("burst-0", "burst-1");
	}

	@Test
	void instanceRegisteredEventOnceRegisteredAndNotAgainAfterReRegistration() {
		ConfigurableApplicationContext context = start("discovery.port=8080", "discovery.instance-id=events-1",
				"discovery.client.change-event-delay=0s");
		Events events = context.getBean(Events.class);
		await().atMost(TIMEOUT).until(() -> events.registered().size() == 1);
		assertThat(events.registered().get(0).getConfig()).isInstanceOf(EtcdServiceRegistration.class);
		assertThat(context.getBean(InstanceRegisteredEventPublisher.class).isPublished()).isTrue();
		DiscoveryClientHealthIndicator springCloudHealth = context.getBean(DiscoveryClientHealthIndicator.class);
		assertThat(springCloudHealth.health().getStatus()).isEqualTo(Status.UP);
		InstanceRegistrar registrar = context.getBean(InstanceRegistrar.class);
		Instant registeredAt = registrar.getState().registeredAt();
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			await().atMost(TIMEOUT).until(() -> !events.heartbeats().isEmpty());
			int heartbeats = events.heartbeats().size();
			inspector.delete("/services/default/events/events-1");
			await().atMost(TIMEOUT)
				.until(() -> registrar.getState().phase() == RegistrationState.Phase.REGISTERED
						&& !registeredAt.equals(registrar.getState().registeredAt()));
			// The deletion and the new key are changes; the registration is not news.
			await().atMost(TIMEOUT).until(() -> events.heartbeats().size() > heartbeats);
			assertThat(events.registered()).hasSize(1);
		}
	}

	@Test
	void anApplicationThatDoesNotRegisterAnnouncesDiscoveryOnceListedAndItsHealthFollowsEtcd() {
		ConfigurableApplicationContext context = start("discovery.register=false",
				"spring.cloud.discovery.client.health-indicator.use-services-query=false");
		Events events = context.getBean(Events.class);
		await().atMost(TIMEOUT).until(() -> events.registered().size() == 1);
		assertThat(events.registered().get(0).getConfig()).isInstanceOf(ServiceCache.class);
		DiscoveryClientHealthIndicator springCloudHealth = context.getBean(DiscoveryClientHealthIndicator.class);
		EtcdDiscoveryHealthIndicator etcdHealth = context.getBean(EtcdDiscoveryHealthIndicator.class);
		await().atMost(TIMEOUT).until(() -> etcdHealth.health().getStatus().equals(Status.UP));
		assertThat(springCloudHealth.health().getStatus()).isEqualTo(Status.UP);
		assertThat(etcdHealth.health().getDetails()).containsEntry("prefix", "/services/default/")
			.containsEntry("services", 0);
		etcd.stop();
		try {
			await().atMost(TIMEOUT).until(() -> etcdHealth.health().getStatus().equals(Status.DOWN));
			assertThat(etcdHealth.health().getDetails()).containsKey("error");
			assertThat(springCloudHealth.health().getStatus()).isEqualTo(Status.DOWN);
		}
		finally {
			etcd.ensureRunning();
		}
		await().atMost(TIMEOUT).until(() -> etcdHealth.health().getStatus().equals(Status.UP));
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.application.name=events",
				"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.host=127.0.0.1",
				"discovery.etcd.request-timeout=2s", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(EventsApplication.class)
			.web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String value(String instanceId) {
		return new String(new NamingFormat().encode(new ServiceRegistration("default", "orders", instanceId,
				"127.0.0.1", 8080, false, Map.of(), InstanceStatus.UP), Instant.now()), StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EventsApplication {

		@Bean
		Events events() {
			return new Events();
		}

	}

	/**
	 * The discovery events the application received.
	 */
	static class Events implements ApplicationListener<ApplicationEvent> {

		private final List<Long> heartbeats = new CopyOnWriteArrayList<>();

		private final List<InstanceRegisteredEvent<?>> registered = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof HeartbeatEvent heartbeat) {
				this.heartbeats.add((Long) heartbeat.getValue());
			}
			else if (event instanceof InstanceRegisteredEvent<?> instanceRegistered) {
				this.registered.add(instanceRegistered);
			}
		}

		List<Long> heartbeats() {
			return this.heartbeats;
		}

		List<InstanceRegisteredEvent<?>> registered() {
			return this.registered;
		}

	}

}
