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

import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.StatusPublisher;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.util.Assert;

/**
 * Spring Cloud's {@link ServiceRegistry} contract over this starter's registration, so
 * that {@code /actuator/serviceregistry} shows and sets this instance's status, and code
 * that uses the contract takes the instance out of etcd and puts it back.
 * <p>
 * The starter registers when the application is ready and deregisters on shutdown by
 * itself. {@link #deregister} withdraws the instance while the application keeps running
 * (key deleted, lease revoked, nothing re-registers it), {@link #register} registers it
 * again after that; before the application is ready, or while it is registered,
 * {@link #register} does nothing.
 *
 * @author etcd-discovery authors
 */
public class EtcdCloudServiceRegistry implements ServiceRegistry<EtcdServiceRegistration> {

	private final StatusPublisher statusPublisher;

	private final InstanceRegistrar registrar;

	/**
	 * Create a new registry.
	 * @param statusPublisher the status publisher
	 * @param registrar the registrar
	 */
	public EtcdCloudServiceRegistry(StatusPublisher statusPublisher, InstanceRegistrar registrar) {
		Assert.notNull(statusPublisher, "'statusPublisher' must not be null");
		Assert.notNull(registrar, "'registrar' must not be null");
		this.statusPublisher = statusPublisher;
		this.registrar = registrar;
	}

	@Override
	public void register(@Nullable EtcdServiceRegistration registration) {
		this.registrar.registerAgain();
	}

	@Override
	public void deregister(@Nullable EtcdServiceRegistration registration) {
		this.registrar.deregister();
	}

	@Override
	public void close() {
	}

	/**
	 * Apply an operator's request: {@code OUT_OF_SERVICE} or {@code UP}.
	 * @param registration the registration
	 * @param status the requested status, case-insensitive
	 * @throws IllegalArgumentException if the status is neither ({@code 400 Bad Request}
	 * at {@code /actuator/serviceregistry})
	 */
	@Override
	public void setStatus(EtcdServiceRegistration registration, String status) {
		this.statusPublisher.setOperatorStatus(status);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getStatus(EtcdServiceRegistration registration) {
		return (T) registration.getRegistrar().getState().status().name();
	}

}
