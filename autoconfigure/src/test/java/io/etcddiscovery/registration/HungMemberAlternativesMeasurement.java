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

package io.etcddiscovery.registration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.etcddiscovery.autoconfigure.EtcdClientBuilderCustomizer;
import io.etcddiscovery.etcd.WithoutMemberFailover;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.EtcdMember;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Measures the simpler alternatives to the member failover for a hung member: gRPC's
 * keepalive ({@code ClientBuilder.keepaliveTime/keepaliveTimeout}), a longer TTL, both,
 * against the failover. Three instances, every one given all three members of a real
 * cluster; each follower in turn is paused ({@code SIGSTOP}) for TTL + 4s. For each pause
 * it logs the longest time each instance's lease went without a renewal (the time until
 * its keep-alive stream moved to another member, for the instances whose stream was on
 * the paused one) and how many leases were lost.
 * <p>
 * Not a test, and not run by the build ({@code *Measurement}): run it on demand, it takes
 * about five minutes; {@code docs/operations.md} quotes its figures. <pre class="code">
 * ./mvnw -B -pl autoconfigure verify -Dit.test=HungMemberAlternativesMeasurement -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * @author etcd-discovery authors
 */
class HungMemberAlternativesMeasurement {

	private static final Log logger = LogFactory.getLog(HungMemberAlternativesMeasurement.class);

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final String SERVICE = "orders";

	private static final List<String> results = new CopyOnWriteArrayList<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		logger.info("Results so far:\n" + String.join("\n", results));
	}

	@ParameterizedTest(name = "{0}, ttl {1}s")
	@CsvSource({ "failover, 4", "keepalive, 4", "keepalive, 10", "keepalive, 20", "neither, 20", "failover, 20" })
	void pauseEachFollowerLongerThanTheTtl(String client, int ttl) {
		List<InstanceRegistrar> instances = startInstances(3, client, ttl);
		EtcdMember leader = etcd.leader();
		List<EtcdMember> followers = etcd.members().stream().filter((member) -> member != leader).toList();
		Duration pause = Duration.ofSeconds(ttl + 4);
		for (EtcdMember follower : followers) {
			List<Long> losses = instances.stream().map(InstanceRegistrar::getLeaseLosses).toList();
			List<Gap> gaps = instances.stream().map(Gap::new).toList();
			follower.pause();
			try {
				await().during(pause)
					.atMost(pause.plus(TIMEOUT))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> gaps.stream().allMatch(Gap::sample));
			}
			finally {
				follower.resume();
			}
			etcd.awaitHealthy(TIMEOUT);
			await().atMost(TIMEOUT).until(() -> instances.stream().allMatch(this::registered));
			long lost = 0;
			int instancesThatLost = 0;
			for (int i = 0; i < instances.size(); i++) {
				long more = instances.get(i).getLeaseLosses() - losses.get(i);
				lost += more;
				instancesThatLost += (more > 0) ? 1 : 0;
			}
			String result = ("client=%s ttl=%ds paused=%s(follower) for %ds: longest time without a renewal per instance "
					+ "[%s] ms, leases lost %d, instances that lost theirs %d of %d")
				.formatted(client, ttl, follower.name(), pause.toSeconds(),
						gaps.stream()
							.map((gap) -> String.valueOf(gap.longest.toMillis()))
							.collect(Collectors.joining(", ")),
						lost, instancesThatLost, instances.size());
			logger.info("MEASURED " + result);
			results.add(result);
		}
	}

	private boolean registered(InstanceRegistrar registrar) {
		return registrar.getState().phase() == RegistrationState.Phase.REGISTERED
				&& registrar.getState().lastRenewal() != null;
	}

	private List<InstanceRegistrar> startInstances(int count, String client, int ttl) {
		List<InstanceRegistrar> instances = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			SpringApplicationBuilder builder = new SpringApplicationBuilder(TestApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.application.name=" + SERVICE, "discovery.instance-id=orders-" + i,
						"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.ttl=" + ttl + "s",
						"discovery.host=127.0.0.1", "discovery.port=" + (8080 + i), "discovery.shutdown.drain-delay=0s",
						"spring.main.banner-mode=off");
			if (!client.equals("failover")) {
				builder.initializers((context) -> ((GenericApplicationContext) context).registerBean(
						"withoutMemberFailover", EtcdClientBuilderCustomizer.class, WithoutMemberFailover::new));
			}
			if (client.equals("keepalive")) {
				// grpc-java raises any keepaliveTime below 10s to 10s.
				builder.initializers((context) -> ((GenericApplicationContext) context).registerBean("grpcKeepalive",
						EtcdClientBuilderCustomizer.class,
						() -> (clientBuilder) -> clientBuilder.keepaliveTime(Duration.ofSeconds(10))
							.keepaliveTimeout(Duration.ofSeconds(2))
							.keepaliveWithoutCalls(true)));
			}
			ConfigurableApplicationContext context = builder.run();
			this.contexts.add(context);
			instances.add(context.getBean(InstanceLifecycle.class).getRegistrar());
		}
		await().atMost(TIMEOUT).until(() -> instances.stream().allMatch(this::registered));
		return instances;
	}

	/**
	 * The longest time one instance went without a lease renewal, sampled.
	 */
	private static final class Gap {

		private final InstanceRegistrar registrar;

		private Duration longest = Duration.ZERO;

		Gap(InstanceRegistrar registrar) {
			this.registrar = registrar;
		}

		boolean sample() {
			Instant renewed = this.registrar.getState().lastRenewal();
			if (renewed != null) {
				Duration gap = Duration.between(renewed, Instant.now());
				if (gap.compareTo(this.longest) > 0) {
					this.longest = gap;
				}
			}
			return true;
		}

	}

}
