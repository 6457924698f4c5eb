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
package io.etcddiscovery.consumers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.test.EtcdExtension;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.awaitility.Awaitility.await;

/**
 * Starts the applications of these tests in this JVM, each a context of its own on its
 * own ports, the way a user configures them: services that answer with their instance id,
 * and consumers.
 *
 * @author etcd-discovery authors
 */
final class Apps {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Apps() {
	}

	/**
	 * Start an instance of a web service that registers in etcd, and wait until it is
	 * registered.
	 * @param etcd the etcd to register in
	 * @param service the service name
	 * @param instanceId the instance id, which {@code GET /} answers
	 * @param properties more properties
	 * @return the service's context
	 */
	static ConfigurableApplicationContext service(EtcdExtension etcd, String service, String instanceId,
			String... properties) {
		return service(ServiceApplication.class, etcd, service, instanceId, properties);
	}

	/**
	 * Start an instance of a web service of the given application class that registers in
	 * etcd, and wait until it is registered.
	 * @param application the application's configuration class
	 * @param etcd the etcd to register in
	 * @param service the service name
	 * @param instanceId the instance id
	 * @param properties more properties
	 * @return the service's context
	 */
	static ConfigurableApplicationContext service(Class<?> application, EtcdExtension etcd, String service,
			String instanceId, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.shutdown=graceful",
				"discovery.instance-id=" + instanceId, "discovery.shutdown.drain-delay=1s"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.web(WebApplicationType.SERVLET)
			.properties(common(etcd, service, all.toArray(String[]::new)))
			.run();
		await().atMost(TIMEOUT).until(() -> registeredAt(context) != null);
		return context;
	}

	/**
	 * Register, through this library's registration, an instance whose address is a port
	 * of the caller's choosing, and wait until it is registered: with a port nothing
	 * listens on, etcd holds what a crashed instance leaves behind until its lease
	 * expires. No web server, no discovery.
	 * @param etcd the etcd to register in
	 * @param service the service name
	 * @param instanceId the instance id
	 * @param port the port to publish
	 * @return the registration's context, to close to deregister
	 */
	static ConfigurableApplicationContext registration(EtcdExtension etcd, String service, String instanceId,
			int port) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(RegistrationApplication.class)
			.web(WebApplicationType.NONE)
			.properties(common(etcd, service, "discovery.instance-id=" + instanceId, "discovery.port=" + port,
					"discovery.client.enabled=false", "discovery.shutdown.drain-delay=0s"))
			.run();
		await().atMost(TIMEOUT).until(() -> registeredAt(context) != null);
		return context;
	}

	/**
	 * Return when an instance's key was written in etcd.
	 * @param context the instance's context
	 * @return when it was registered, or {@code null}
	 */
	static Instant registeredAt(ConfigurableApplicationContext context) {
		RegistrationState state = context.getBean(InstanceRegistrar.class).getState();
		return (state.phase() == RegistrationState.Phase.REGISTERED) ? state.registeredAt() : null;
	}

	static String[] common(EtcdExtension etcd, String service, String... properties) {
		return common(etcd.endpoints(), service, properties);
	}

	static String[] common(List<String> endpoints, String service, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.application.name=" + service,
				"discovery.etcd.endpoints=" + String.join(",", endpoints), "discovery.host=127.0.0.1",
				"server.address=127.0.0.1", "discovery.etcd.request-timeout=2s", "spring.main.banner-mode=off",
				// Gateway (WebFlux) is on this module's classpath for GatewayIT only; a
				// service's classpath would not have it. (Gateway Web MVC, there for
				// GatewayMvcIT, does nothing without routes; its 'enabled=false' fails
				// start-up in 5.0.4.)
				"spring.cloud.gateway.server.webflux.enabled=false"));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

	/**
	 * The properties of the {@code lb://} route docs/discovery.md gives for Gateway, with
	 * its {@code Retry} filter: a request that never reached an instance is sent again,
	 * for idempotent methods only.
	 * @param id the route's id
	 * @param service the service it routes to
	 * @param path the path prefix it matches, two segments such as {@code /api/orders}
	 * @return the properties
	 */
	static List<String> documentedGatewayRoute(String id, String service, String path) {
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		return List.of(route + "id=" + id, route + "uri=lb://" + service, route + "predicates[0]=Path=" + path + "/**",
				route + "filters[0]=StripPrefix=2", route + "filters[1].name=Retry",
				route + "filters[1].args.retries=2", route + "filters[1].args.series=",
				route + "filters[1].args.methods=GET,HEAD,OPTIONS,PUT,DELETE",
				route + "filters[1].args.exceptions=java.net.ConnectException,"
						+ "io.etcddiscovery.cloud.UnansweredRequestException");
	}

	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Send a GET request.
	 * @param uri the URI
	 * @return the response, with the body as a string
	 */
	static HttpResponse<String> get(String uri) {
		return get(uri, "*/*");
	}

	/**
	 * Send a GET request that accepts JSON.
	 * @param uri the URI
	 * @return the body
	 */
	static String getJson(String uri) {
		return get(uri, "application/json").body();
	}

	private static HttpResponse<String> get(String uri, String accept) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create(uri))
				.timeout(Duration.ofSeconds(10))
				.header("Accept", accept)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + uri + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send a POST request with a JSON body.
	 * @param uri the URI
	 * @param json the body
	 * @return the response
	 */
	static HttpResponse<String> postJson(String uri, String json) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create(uri))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("POST " + uri + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Close an instance gracefully on another thread while calling it in a loop, until
	 * half a second after it closed.
	 * @param instance the instance to close
	 * @param call one round of calls
	 * @throws InterruptedException if interrupted while waiting for the close
	 */
	static void callWhileStopping(ConfigurableApplicationContext instance, Runnable call) throws InterruptedException {
		AtomicBoolean closed = new AtomicBoolean();
		Thread closer = new Thread(() -> {
			instance.close();
			closed.set(true);
		}, "test-close");
		closer.start();
		long afterClose = 0;
		for (int i = 0; i < 5_000 && (afterClose == 0 || System.nanoTime() < afterClose); i++) {
			call.run();
			if (closed.get() && afterClose == 0) {
				afterClose = System.nanoTime() + Duration.ofMillis(500).toNanos();
			}
		}
		closer.join(TIMEOUT.toMillis());
	}

	/**
	 * Print a figure measured by a test, for docs/discovery.md.
	 * @param what what was measured
	 * @param elapsed how long it took
	 */
	static void measured(String what, Duration elapsed) {
		System.out.printf("[measured] %s: %d ms%n", what, elapsed.toMillis());
	}

	/**
	 * A web service: {@code GET /} answers with the instance id.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ WhoAmIController.class, OwnReactorResources.class })
	static class ServiceApplication {

	}

	/**
	 * An application that only registers an instance (see {@link #registration}).
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class RegistrationApplication {

	}

	/**
	 * Gives each application in this JVM Reactor Netty resources of its own, as each has
	 * in its own JVM: by default they share global ones, which the first application to
	 * close disposes of (what Spring Boot's tests do for the same reason).
	 */
	static class OwnReactorResources implements BeanPostProcessor {

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			if (bean instanceof ReactorResourceFactory factory) {
				factory.setUseGlobalResources(false);
			}
			return bean;
		}

	}

	@RestController
	static class WhoAmIController {

		private final String instanceId;

		WhoAmIController(Environment environment) {
			this.instanceId = environment.getRequiredProperty("discovery.instance-id");
		}

		@GetMapping("/")
		String whoAmI() {
			return this.instanceId;
		}

	}

}
