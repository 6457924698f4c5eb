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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that every invalid {@code discovery.*} value fails start-up with a failure
 * analysis naming the property.
 *
 * @author etcd-discovery authors
 */
class InvalidDiscoveryPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			discovery.service-name           | 'or ders'               | discovery.service-name
			discovery.service-name           | 'orders/v1'             | discovery.service-name
			discovery.service-name           | ''                      | discovery.service-name
			spring.application.name          | 'my app'                | spring.application.name
			discovery.instance-id            | 'a/b'                   | discovery.instance-id
			discovery.namespace              | 'prod/eu'               | discovery.namespace
			discovery.namespace              | ''                      | discovery.namespace
			discovery.ttl                    | 1s                      | discovery.ttl
			discovery.ttl                    | 1500ms                  | discovery.ttl
			discovery.etcd.endpoints         | 127.0.0.1:2379          | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'http://'               | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'ftp://127.0.0.1:2379'  | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'not a url'             | discovery.etcd.endpoints
			discovery.etcd.key-prefix        | services                | discovery.etcd.key-prefix
			discovery.etcd.key-prefix        | /services/              | discovery.etcd.key-prefix
			discovery.etcd.key-prefix        | /a//b                   | discovery.etcd.key-prefix
			discovery.etcd.request-timeout   | 0s                      | discovery.etcd.request-timeout
			discovery.etcd.request-timeout   | 11s                     | discovery.etcd.request-timeout
			discovery.etcd.member-timeout    | 0s                      | discovery.etcd.member-timeout
			discovery.etcd.member-timeout    | 5700ms                  | discovery.etcd.member-timeout
			discovery.etcd.connect-timeout   | -1s                     | discovery.etcd.connect-timeout
			discovery.etcd.username          | alice                   | discovery.etcd.password
			discovery.etcd.password          | secret                  | discovery.etcd.username
			discovery.retry.initial-interval | 0ms                     | discovery.retry.initial-interval
			discovery.retry.max-interval     | 100ms                   | discovery.retry.max-interval
			discovery.retry.multiplier       | 0.5                     | discovery.retry.multiplier
			discovery.shutdown.drain-delay   | -1s                     | discovery.shutdown.drain-delay
			discovery.client.change-event-delay | -1ms               | discovery.client.change-event-delay
			discovery.client.ejection.probe-interval | 0s            | discovery.client.ejection.probe-interval
			discovery.weight                 | 0                       | discovery.weight
			discovery.host-detection.ignored-interfaces | '(' | discovery.host-detection.ignored-interfaces
			discovery.etcd.ssl.bundle        | missing                 | discovery.etcd.ssl.bundle
			""")
	void invalidValueFailsStartUpNamingTheProperty(String property, String value, String reported) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis").isNotNull();
			assertThat(analysis.getDescription()).contains("'" + reported + "'");
			assertThat(analysis.getAction()).contains(reported);
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			discovery.ttl=2s
			discovery.ttl=1m
			discovery.etcd.endpoints=http://127.0.0.1:2379,https://localhost:2379
			discovery.etcd.endpoints=http://[::1]:2379
			discovery.etcd.key-prefix=/my/services
			discovery.namespace=dev_eu-1.blue
			discovery.service-name=order-service.v2
			discovery.register=false
			discovery.etcd.request-timeout=10s
			discovery.etcd.member-timeout=5666ms
			""")
	void validValueStartsUp(String property) {
		this.contextRunner.withPropertyValues(property).run((context) -> assertThat(context).hasNotFailed());
	}

	@org.junit.jupiter.api.Test
	void missingServiceNameFailsStartUpWithAdvice() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class,
					DiscoveryRegistrationAutoConfiguration.class))
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'discovery.service-name'")
					.contains("a service name is required");
				assertThat(analysis.getAction()).contains("spring.application.name")
					.contains("discovery.register=false");
			});
	}

	@org.junit.jupiter.api.Test
	void requestTimeoutLongerThanTheTtlFailsStartUpNamingBoth() {
		this.contextRunner.withPropertyValues("discovery.ttl=4s", "discovery.etcd.request-timeout=5s")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("Invalid value '5s' for property 'discovery.etcd.request-timeout'")
					.contains("must not be longer than 'discovery.ttl' (4s)");
				assertThat(analysis.getAction()).contains("raise 'discovery.ttl'").contains("half the TTL");
			});
	}

	@org.junit.jupiter.api.Test
	void memberTimeoutThatLeavesNoTimeToRenewThroughAnotherMemberFailsStartUp() {
		this.contextRunner.withPropertyValues("discovery.ttl=4s", "discovery.etcd.member-timeout=2s").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains("Invalid value '2s' for property 'discovery.etcd.member-timeout'")
				.contains("too long for 'discovery.ttl' (4s)")
				.contains("at most 1666ms");
			assertThat(analysis.getAction()).contains("at most 1666ms").contains("a sixth of the TTL");
		});
	}

	@org.junit.jupiter.api.Test
	void sslBundleWithHttpEndpointsFailsStartUp() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.ssl.bundle=etcd", "discovery.etcd.endpoints=http://127.0.0.1:2379")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'discovery.etcd.endpoints'").contains("http://");
				assertThat(analysis.getAction()).contains("https://");
			});
	}

	@org.junit.jupiter.api.Test
	void namespaceGuardRefusesANamespaceThatIsNotAllowed() {
		this.contextRunner.withPropertyValues("discovery.allowed-namespaces=dev,staging", "discovery.namespace=prod")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'prod'")
					.contains("'discovery.namespace'")
					.contains("[dev, staging]");
				assertThat(analysis.getAction()).contains("DISCOVERY_NAMESPACE");
			});
		this.contextRunner.withPropertyValues("discovery.allowed-namespaces=dev,staging", "discovery.namespace=dev")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@org.junit.jupiter.api.Test
	void passwordIsNeverShownInTheReport() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.username=alice", "discovery.etcd.password=s3cr3t", "discovery.ttl=1s")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("s3cr3t");
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		return new DiscoveryPropertiesFailureAnalyzer().analyze(failure);
	}

}
