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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client {@link EtcdClientAutoConfiguration} builds, against a real etcd.
 *
 * @author etcd-discovery authors
 */
class EtcdClientAutoConfigurationIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Pattern RANGE_CALLS = Pattern.compile(
			"^grpc_server_started_total\\{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\".*\\} (\\d+)$",
			Pattern.MULTILINE);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=" + etcd.endpoint());

	@Test
	void connectsWhileTheContextStartsWithoutBeingAsked() {
		long before = rangeCalls();
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Client.class);
			// Nothing in this context calls etcd: the only read is the one that opens
			// the connection.
			await().atMost(TIMEOUT).until(() -> rangeCalls() > before);
		});
	}

	@Test
	void connectsWithTheConnectionDetailsAContainerSupplies() {
		// The properties point nowhere: the details of the "container" point at etcd.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class))
			.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:1")
			.withBean(EtcdConnectionDetails.class, () -> () -> java.util.List.of(etcd.endpoint()))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PropertiesEtcdConnectionDetails.class);
				GetResponse response = context.getBean(Client.class)
					.getKVClient()
					.get(ByteSequence.from("/", StandardCharsets.UTF_8))
					.get(10, TimeUnit.SECONDS);
				assertThat(response.getHeader().getRevision()).isPositive();
			});
	}

	@Test
	void startsWhenEtcdIsDown() {
		etcd.stop();
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Client.class));
	}

	@Test
	void customizersShapeTheClientTheContextUses() {
		this.contextRunner
			.withBean(EtcdClientBuilderCustomizer.class,
					() -> (builder) -> builder.namespace(ByteSequence.from("/customized", StandardCharsets.UTF_8)))
			.run((context) -> {
				context.getBean(Client.class)
					.getKVClient()
					.put(ByteSequence.from("/key", StandardCharsets.UTF_8),
							ByteSequence.from("value", StandardCharsets.UTF_8))
					.get(10, TimeUnit.SECONDS);
				try (Client plain = Client.builder().endpoints(etcd.endpoint()).build()) {
					GetResponse response = plain.getKVClient()
						.get(ByteSequence.from("/customized/key", StandardCharsets.UTF_8))
						.get(10, TimeUnit.SECONDS);
					assertThat(response.getKvs()).hasSize(1);
					assertThat(response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("value");
				}
			});
	}

	/**
	 * The range requests etcd has received, from its Prometheus metrics.
	 * @return the number of range requests
	 */
	private static long rangeCalls() {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics"))
				.timeout(Duration.ofSeconds(5))
				.build();
			String metrics = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
			Matcher matcher = RANGE_CALLS.matcher(metrics);
			assertThat(matcher.find()).as("etcd reports its range requests").isTrue();
			return Long.parseLong(matcher.group(1));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read etcd's metrics", ex);
		}
	}

}
