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

package io.etcddiscovery.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Go services registered the way Go services register (etcd's endpoints manager with
 * {@code Metadata} a map, a string or absent; a bare {@code host:port} or URL value as
 * go-kit's {@code sd/etcdv3} and go-zero write) are found by a Spring application and
 * called by name through its {@code @LoadBalanced} {@link RestClient} and through the
 * {@code discovery:///} gRPC resolver, and leave both as soon as they deregister. The Go
 * services of etcd's endpoints manager run on every {@link GoStack} (etcd's client 3.4
 * and 3.5); a bare value is the same {@code Put} on either, so it runs on Debian 12's.
 *
 * @author etcd-discovery authors
 */
class GoServicesIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static ConfigurableApplicationContext caller;

	private final List<InteropProcess> programs = new ArrayList<>();

	@BeforeAll
	static void startCaller() {
		for (GoStack stack : GoStack.values()) {
			stack.binary("goservice");
		}
		caller = new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=caller", "discovery.register=false",
					"discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.etcd.request-timeout=2s",
					// Go services leave by a delete, and etcd is emptied between tests:
					// the protection against mass removal would hold them.
					"discovery.client.protection.enabled=false", "spring.main.banner-mode=off")
			.run();
	}

	@AfterAll
	static void stopCaller() {
		caller.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void stopPrograms() {
		this.programs.forEach(InteropProcess::close);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource
	void goServicesOfEtcdsEndpointsManagerAreCalledByNameAndLeaveBothClientsAtOnce(GoStack stack) {
		InteropProcess map = goService(stack, "gosvc", "go-map", "endpoints-map", "-zone", "eu-1");
		InteropProcess string = goService(stack, "gosvc", "go-string", "endpoints-string", "-zone", "eu-2");
		InteropProcess none = goService(stack, "gosvc", "go-none", "endpoints-none");
		ServiceCache cache = caller.getBean(ServiceCache.class);
		await().atMost(TIMEOUT).until(() -> cache.upInstances("gosvc").size() == 3);
		assertThat(cache.instances("gosvc"))
			.extracting(DiscoveredInstance::instanceId, DiscoveredInstance::status, DiscoveredInstance::metadata)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("go-map", InstanceStatus.UP, Map.of("zone", "eu-1")),
					org.assertj.core.groups.Tuple.tuple("go-none", InstanceStatus.UP, Map.of()),
					org.assertj.core.groups.Tuple.tuple("go-string", InstanceStatus.UP, Map.of("zone", "eu-2")));

		RestClient http = caller.getBean(RestClient.Builder.class).build();
		ManagedChannel channel = Grpc.newChannelBuilder("discovery:///gosvc", InsecureChannelCredentials.create())
			.defaultLoadBalancingPolicy("round_robin")
			.build();
		PeerRecorder peers = new PeerRecorder();
		HealthGrpc.HealthBlockingStub grpc = HealthGrpc.newBlockingStub(channel).withInterceptors(peers);
		try {
			Set<String> all = Set.of(address(map), address(string), address(none));
			await().atMost(TIMEOUT)
				.until(() -> httpCalls(http, "gosvc", 30).equals(Set.of("go-map", "go-string", "go-none")));
			await().atMost(TIMEOUT).until(() -> grpcCalls(grpc, peers, 30).equals(all));

			map.send("deregister");
			map.awaitLine("deregistered", TIMEOUT);
			await().atMost(TIMEOUT).until(() -> cache.instances("gosvc").size() == 2);
			// The same cache feeds both clients: neither calls it any more.
			assertThat(httpCalls(http, "gosvc", 30)).containsExactlyInAnyOrder("go-string", "go-none");
			assertThat(grpcCalls(grpc, peers, 30)).containsExactlyInAnyOrder(address(string), address(none));
		}
		finally {
			channel.shutdownNow();
			awaitTermination(channel);
		}
	}

	@Test
	void goServicesThatWriteABareAddressAreFoundAndCalled() {
		// What go-kit's sd/etcdv3 registrar and go-zero store: the value as given.
		InteropProcess plain = goService(GoStack.DEBIAN_12, "kitsvc", "kit-plain", "plain");
		InteropProcess url = goService(GoStack.DEBIAN_12, "kitsvc", "kit-url", "url");
		ServiceCache cache = caller.getBean(ServiceCache.class);
		await().atMost(TIMEOUT).until(() -> cache.upInstances("kitsvc").size() == 2);
		assertThat(cache.instances("kitsvc")).extracting(DiscoveredInstance::address)
			.containsExactly(address(plain), address(url));
		RestClient http = caller.getBean(RestClient.Builder.class).build();
		await().atMost(TIMEOUT).until(() -> httpCalls(http, "kitsvc", 20).equals(Set.of("kit-plain", "kit-url")));
		assertThat(caller.getBean(ServiceCache.class).stats().valuesSkipped()).isZero();
	}

	private InteropProcess goService(GoStack stack, String service, String id, String format, String... arguments) {
		List<String> all = new ArrayList<>(List.of("-etcd", etcd.endpoint(), "-target", "/services/default/" + service,
				"-id", id, "-format", format));
		all.addAll(List.of(arguments));
		InteropProcess go = InteropProcess.start(stack.binary("goservice"), all.toArray(String[]::new));
		this.programs.add(go);
		go.awaitLine("registered ", TIMEOUT);
		return go;
	}

	// "registered <key> <host:port>"
	private static String address(InteropProcess go) {
		String[] words = go.awaitLine("registered ", TIMEOUT).split(" ");
		return words[2];
	}

	private static Set<String> httpCalls(RestClient http, String service, int count) {
		Set<String> answered = new HashSet<>();
		for (int i = 0; i < count; i++) {
			answered.add(http.get().uri("http://" + service + "/").retrieve().body(String.class));
		}
		return answered;
	}

	private static Set<String> grpcCalls(HealthGrpc.HealthBlockingStub grpc, PeerRecorder peers, int count) {
		peers.calls.clear();
		for (int i = 0; i < count; i++) {
			grpc.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
		}
		return new HashSet<>(peers.calls);
	}

	private static void awaitTermination(ManagedChannel channel) {
		try {
			channel.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Records the address each call reached.
	 */
	static final class PeerRecorder implements ClientInterceptor {

		private final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
			return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {

				@Override
				public void start(Listener<R> listener, Metadata headers) {
					ClientCall<Q, R> call = delegate();
					super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {

						@Override
						public void onHeaders(Metadata received) {
							Object remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
							PeerRecorder.this.calls.add(String.valueOf(remote).replaceFirst("^[^/]*/", ""));
							super.onHeaders(received);
						}

					}, headers);
				}

			};
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CallerApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
